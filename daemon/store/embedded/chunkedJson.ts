// JSON.stringify of 100k keys blocks the event loop for ~250 ms, stalling every verify request.
// This produces the same compact text as slices: big top-level arrays are serialised a slice at a time,
// yielding to the event loop once a time budget is spent (not after every slice: each yield can cost
// a whole turn of a busy loop, which would slow every write). The slices are written to disk one by
// one and never joined into one giant string (joining and encoding 60 MB would block for ~90 ms more).
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SliceOptions {
  /** Records per slice. */
  sliceSize?: number;
  /** Longest run of synchronous work between two yields, in ms. */
  budgetMs?: number;
}

/** The slices concatenate to exactly `JSON.stringify(data)` for a plain object of JSON values. */
export async function stringifyInSlices(data: object, options: SliceOptions = {}): Promise<string[]> {
  const { sliceSize = 500, budgetMs = 8 } = options;
  const parts: string[] = [];
  let head = '{';
  let since = performance.now();
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    head += `${head === '{' ? '' : ','}${JSON.stringify(name)}:`;
    if (!Array.isArray(value) || value.length <= sliceSize) {
      head += JSON.stringify(value);
      continue;
    }
    parts.push(`${head}[`);
    for (let start = 0; start < value.length; start += sliceSize) {
      const slice = JSON.stringify(value.slice(start, start + sliceSize));
      parts.push(`${start ? ',' : ''}${slice.slice(1, -1)}`);
      if (performance.now() - since >= budgetMs) {
        await yieldToEventLoop();
        since = performance.now();
      }
    }
    head = ']';
  }
  parts.push(`${head}}`);
  return parts;
}
