// Deep copy and deep equality for JSON values (what the store holds). Faster than structuredClone on
// small records, and they never see anything else: store data comes from JSON and goes back to it.

export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]);
    return copy as T;
  }
  // Spread copies the own enumerable properties on V8's fast path; only nested objects need a deeper copy.
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(copy)) {
    const nested = copy[key];
    if (typeof nested === 'object' && nested !== null) copy[key] = cloneJson(nested);
  }
  return copy as T;
}

/** Equal as JSON would see them (key order ignored; an own property holding undefined counts as present). */
export function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const isArray = Array.isArray(a);
  if (isArray !== Array.isArray(b)) return false;
  if (isArray) {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (left[i] !== right[i] && !equalJson(left[i], right[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) {
    const l = left[key];
    const r = right[key];
    // Primitives inline (most fields): a call per field would double the cost of comparing a record.
    if (l === r ? l === undefined && !Object.hasOwn(right, key) : typeof l !== 'object' || !equalJson(l, r)) return false;
  }
  return true;
}

/** Makes `target` hold exactly what `source` holds, keeping its identity (arrays and records point at it). */
export function restoreInPlace(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, cloneJson(source));
}

/** Makes the array hold exactly `contents`, keeping its identity. */
export function restoreArray(target: unknown[], contents: readonly unknown[]): void {
  target.length = contents.length;
  for (let i = 0; i < contents.length; i++) target[i] = contents[i];
}
