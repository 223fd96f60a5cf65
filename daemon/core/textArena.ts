// Short strings (key ids, references) kept as UTF-8 bytes in one growing buffer, each addressed by
// [start, end): a million keys' ids and references as JS strings cost twice the bytes in heap objects,
// each copied twice by the garbage collector before it settles, which a loading daemon paid for in time.
// A string is rebuilt from its bytes when asked for (a valid verify, a change to the key).

const FIRST_BYTES = 64 * 1024;

export class TextArena {
  private bytes: Buffer;
  private used = 0;
  /** Bytes of strings no longer kept (a deleted key's id, a changed reference): reclaimed by `compacted`. */
  private released = 0;

  /** `expectedBytes`: room to make at once (a buffer never touched costs address space, not memory). */
  constructor(expectedBytes = 0) {
    this.bytes = Buffer.alloc(Math.max(FIRST_BYTES, expectedBytes));
  }

  /** Bytes that hold strings still kept. */
  get liveBytes(): number {
    return this.used - this.released;
  }

  /** True when most of the buffer is strings no longer kept: time to copy the live ones to a new arena. */
  get wasteful(): boolean {
    return this.released > FIRST_BYTES && this.released * 2 > this.used;
  }

  /** Stores `text`; its start and end go to `starts[index]` and `ends[index]`. */
  put(text: string, starts: Uint32Array, ends: Uint32Array, index: number): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 > this.bytes.length) this.grow(this.used + text.length * 3);
    starts[index] = this.used;
    // Ids and references are ASCII as a rule: copied by hand, cheaper than a call into Buffer.write.
    const { bytes } = this;
    let at = this.used;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        at = this.used + bytes.write(text, this.used, 'utf8');
        break;
      }
      bytes[at++] = code;
    }
    this.used = at;
    ends[index] = this.used;
  }

  text(start: number, end: number): string {
    return this.bytes.toString('utf8', start, end);
  }

  /** Whether the bytes at [start, end) are `text`, without building a string when both are ASCII. */
  equals(start: number, end: number, text: string): boolean {
    if (end - start === text.length) {
      const { bytes } = this;
      for (let i = 0; i < text.length; i += 1) {
        const byte = bytes[start + i]!;
        if (byte >= 0x80 || text.charCodeAt(i) >= 0x80) return this.text(start, end) === text;
        if (byte !== text.charCodeAt(i)) return false;
      }
      return true;
    }
    // Lengths differ: equal only if one of them is not ASCII (UTF-8 is longer then).
    for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) >= 0x80) return this.text(start, end) === text;
    return false;
  }

  release(start: number, end: number): void {
    this.released += end - start;
  }

  private grow(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.alloc(size);
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
  }
}
