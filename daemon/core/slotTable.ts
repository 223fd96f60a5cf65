// A hash table from a 32-bit hash to slot numbers, in one Int32Array (open addressing, linear probing):
// what the verify index uses instead of a Map, whose entries (and the string keys they hold) cost a
// million-key daemon over a hundred MB of heap and a garbage collector walking it. The table holds only
// slot numbers; what a slot's key is (its bytes, its id) lives in the index's own columns, so a lookup
// walks `cellsFor(hash)` and compares there (KeyIndex.find).

const FIRST_CELLS = 1024;
const EMPTY = 0;

export class SlotTable {
  /** slot + 1 per cell; 0 is an empty cell. Kept at most half full, so walks stay short. */
  cells: Int32Array;
  mask: number;
  private count = 0;

  /**
   * `hashOf(slot)`: the hash the slot was inserted under, read from the index's columns. `expected`:
   * how many entries to make room for at once (the table still grows past them).
   */
  constructor(
    private readonly hashOf: (slot: number) => number,
    expected = 0,
  ) {
    let cells = FIRST_CELLS;
    while (cells < expected * 2) cells *= 2;
    this.cells = new Int32Array(cells);
    this.mask = cells - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Takes over the entries of `other` (filed by the same hashes), keeping this table's `hashOf`. */
  takeEntriesOf(other: SlotTable): void {
    this.cells = other.cells;
    this.mask = other.mask;
    this.count = other.count;
  }

  insert(slot: number): void {
    if ((this.count + 1) * 2 > this.cells.length) this.grow();
    let cell = this.hashOf(slot) & this.mask;
    while (this.cells[cell] !== EMPTY) cell = (cell + 1) & this.mask;
    this.cells[cell] = slot + 1;
    this.count += 1;
  }

  /**
   * Files many slots at once (a whole store read in), in the order of their home cells rather than as
   * they came: one after the other, inserts walk the cells from start to end, so a million of them hit
   * cache lines already loaded instead of missing on a random cell each (most of a 1M build's time in
   * the tables). `sameAs(held, slot)`: whether `slot` is another copy of what the cell's `held` is (read
   * twice): `slot` then takes its cell, and `held` is handed to `displaced` (no longer in the table).
   * Slots of one home cell go in the order given, so the later of two copies is the one kept.
   */
  insertMany(slots: Int32Array, sameAs?: (held: number, slot: number) => boolean, displaced?: (held: number) => void): void {
    let cells = this.cells.length;
    while ((this.count + slots.length) * 2 > cells) cells *= 2;
    if (cells !== this.cells.length) this.rehash(cells);
    const { mask } = this;
    const homes = new Int32Array(slots.length);
    for (let i = 0; i < slots.length; i += 1) homes[i] = this.hashOf(slots[i]!) & mask;
    // A counting sort of the slots by their home cell's bucket (at most 65,536 buckets, a cache line
    // or two of cells each: close enough to in order).
    const shift = Math.max(0, Math.log2(cells) - 16);
    const starts = new Int32Array((cells >>> shift) + 1);
    for (let i = 0; i < homes.length; i += 1) starts[(homes[i]! >>> shift) + 1]! += 1;
    for (let bucket = 1; bucket < starts.length; bucket += 1) starts[bucket]! += starts[bucket - 1]!;
    const order = new Int32Array(slots.length);
    for (let i = 0; i < homes.length; i += 1) order[starts[homes[i]! >>> shift]!++] = i;
    const table = this.cells;
    for (let n = 0; n < order.length; n += 1) {
      const i = order[n]!;
      const slot = slots[i]!;
      let cell = homes[i]!;
      let replaced = false;
      while (table[cell] !== EMPTY) {
        const held = table[cell]! - 1;
        if (sameAs !== undefined && sameAs(held, slot)) {
          displaced!(held);
          replaced = true;
          break;
        }
        cell = (cell + 1) & mask;
      }
      table[cell] = slot + 1;
      if (!replaced) this.count += 1;
    }
  }

  /** Takes the slot out (it must still hash as when inserted), moving back the entries after it. */
  remove(slot: number): void {
    const { cells, mask } = this;
    let hole = this.hashOf(slot) & mask;
    while (cells[hole] !== slot + 1) {
      if (cells[hole] === EMPTY) return;
      hole = (hole + 1) & mask;
    }
    cells[hole] = EMPTY;
    this.count -= 1;
    // Backward shift: an entry further on may move into the hole when the hole lies on its walk from
    // its home cell; otherwise a later lookup would stop at the hole and miss it.
    for (let next = (hole + 1) & mask; cells[next] !== EMPTY; next = (next + 1) & mask) {
      const home = this.hashOf(cells[next]! - 1) & mask;
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        cells[hole] = cells[next]!;
        cells[next] = EMPTY;
        hole = next;
      }
    }
  }

  private grow(): void {
    this.rehash(this.cells.length * 2);
  }

  private rehash(cells: number): void {
    const old = this.cells;
    this.cells = new Int32Array(cells);
    this.mask = this.cells.length - 1;
    for (const entry of old) {
      if (entry === EMPTY) continue;
      let cell = this.hashOf(entry - 1) & this.mask;
      while (this.cells[cell] !== EMPTY) cell = (cell + 1) & this.mask;
      this.cells[cell] = entry;
    }
  }
}
