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
    const old = this.cells;
    this.cells = new Int32Array(old.length * 2);
    this.mask = this.cells.length - 1;
    for (const entry of old) {
      if (entry === EMPTY) continue;
      let cell = this.hashOf(entry - 1) & this.mask;
      while (this.cells[cell] !== EMPTY) cell = (cell + 1) & this.mask;
      this.cells[cell] = entry;
    }
  }
}
