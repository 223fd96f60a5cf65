// What one transact mutation changed, found without the domain's cooperation. The mutation gets a
// view of the state: the top-level object and the collection arrays are proxies, the records are the
// real objects (structuredClone of a Proxy throws, and the domain clones records it returns). So a
// record cannot report its own writes; instead each record handed out through a collection is copied
// the first time (its "before"), and after the mutation only those records are compared with their
// copy. Array-level changes (push, splice, index assignment, a new array assigned) are caught by the
// proxies, which keep the array's previous contents. The copies are also the undo information.
//
// Cost: proportional to the records the mutation touched (a `find` over 10k keys copies the ones it
// visits), never to the size of the store for a push.
import { cloneJson, equalJson, restoreArray, restoreInPlace } from './jsonValues';
import type { StoreData } from './types';

export const COLLECTIONS = ['services', 'keys', 'tokens'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];
export const isCollection = (name: string): name is CollectionName => (COLLECTIONS as readonly string[]).includes(name);

export type StoreRecord = Record<string, unknown>;

/** A top-level field as it was before a change: whether it existed and its value (arrays by reference). */
export interface FieldBefore {
  present: boolean;
  value: unknown;
}

/**
 * An array as it was before a change: its length and, once anything but appending happened, its
 * contents. While it is only appended to (a create), no copy of 10k references is needed.
 */
export interface ArrayBefore {
  length: number;
  contents?: unknown[];
}

export const contentsBefore = (array: unknown[], before: ArrayBefore): unknown[] => before.contents ?? array.slice(0, before.length);

/** What one mutation, or a whole batch of them, changed, with the state to return to. */
export class ChangeSet {
  /** Records whose content changed, with their content before (a private copy). */
  readonly records = new Map<StoreRecord, { collection: CollectionName; before: StoreRecord }>();
  /** Arrays changed in place, with their state before. */
  readonly arrays = new Map<unknown[], ArrayBefore>();
  /** Top-level fields assigned or deleted (or non-collection objects handed out), with their value before. */
  readonly fields = new Map<string, FieldBefore>();

  get isEmpty(): boolean {
    return this.records.size === 0 && this.arrays.size === 0 && this.fields.size === 0;
  }

  /** Adds a later change set: the earliest "before" of each thing wins (it is the state to return to). */
  absorb(later: ChangeSet): void {
    for (const [record, entry] of later.records) if (!this.records.has(record)) this.records.set(record, entry);
    for (const [array, before] of later.arrays) {
      const earlier = this.arrays.get(array);
      if (!earlier) this.arrays.set(array, { ...before });
      // Only appended to until then: its start is still what it was, and the later copy holds it.
      else if (!earlier.contents && before.contents) earlier.contents = before.contents.slice(0, earlier.length);
    }
    for (const [field, before] of later.fields) if (!this.fields.has(field)) this.fields.set(field, before);
  }

  /** Puts `data` back exactly as it was before these changes (same objects, same arrays). */
  undo(data: StoreData): void {
    for (const [array, before] of this.arrays) {
      if (before.contents) restoreArray(array, before.contents);
      else array.length = before.length;
    }
    const target = data as unknown as Record<string, unknown>;
    for (const [field, before] of this.fields) {
      if (before.present) target[field] = before.value;
      else delete target[field];
    }
    for (const [record, { before }] of this.records) restoreInPlace(record, before);
  }
}

const CALLBACK_METHODS = new Set([
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'filter',
  'some',
  'every',
  'forEach',
  'map',
  'flatMap',
]);

const PREDICATE_METHODS = new Set(['find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every']);

function sameFields(record: StoreRecord, fields: StoreRecord): boolean {
  const keys = Object.keys(record);
  if (keys.length !== Object.keys(fields).length) return false;
  for (const key of keys) if (record[key] !== fields[key] || !Object.hasOwn(fields, key)) return false;
  return true;
}

/** Writing at or past the original end (push), or a length that keeps the original elements. */
function appendsOnly(originalLength: number, prop: string | symbol, value: unknown): boolean {
  if (prop === 'length') return typeof value === 'number' && value >= originalLength;
  if (typeof prop !== 'string' || value === undefined) return false;
  const index = Number(prop);
  return Number.isInteger(index) && index >= originalLength && String(index) === prop;
}

/** The tracking view for one mutation. Call finish() when it returns (or throws): the view is revoked. */
export class MutationTracker {
  readonly view: StoreData;
  private readonly handedOut = new Map<StoreRecord, { collection: CollectionName; before: StoreRecord }>();
  private readonly arraysBefore = new Map<unknown[], ArrayBefore>();
  private readonly fieldsBefore = new Map<string, FieldBefore>();
  private readonly arrayViews = new Map<unknown[], { proxy: unknown[]; revoke: () => void }>();
  private readonly rawOfView = new Map<unknown, unknown[]>();
  private readonly revokeTop: () => void;

  constructor(private readonly data: StoreData) {
    const { proxy, revoke } = Proxy.revocable(data as unknown as Record<string, unknown>, {
      get: (target, prop) => {
        const value = target[prop as string];
        if (typeof prop !== 'string' || typeof value !== 'object' || value === null) return value;
        if (isCollection(prop) && Array.isArray(value)) return this.arrayView(value, prop);
        // Another top-level object may be changed in place: keep its value before, compare later.
        this.rememberField(target, prop, true);
        return value;
      },
      set: (target, prop, value) => {
        if (typeof prop === 'string') this.rememberField(target, prop, false);
        target[prop as string] = this.unwrap(value);
        return true;
      },
      deleteProperty: (target, prop) => {
        if (typeof prop === 'string') this.rememberField(target, prop, false);
        return Reflect.deleteProperty(target, prop);
      },
      defineProperty: (target, prop, descriptor) => {
        if (typeof prop === 'string') this.rememberField(target, prop, false);
        return Reflect.defineProperty(target, prop, { ...descriptor, value: this.unwrap(descriptor.value) });
      },
    });
    this.view = proxy as unknown as StoreData;
    this.revokeTop = revoke;
  }

  /** Revokes the view (a mutation that kept it, e.g. across an await, fails loudly) and says what changed. */
  finish(): ChangeSet {
    this.revokeTop();
    for (const { revoke } of this.arrayViews.values()) revoke();
    const changes = new ChangeSet();
    for (const [record, entry] of this.handedOut) if (!equalJson(record, entry.before)) changes.records.set(record, entry);
    for (const [array, before] of this.arraysBefore) changes.arrays.set(array, before);
    for (const [field, before] of this.fieldsBefore) {
      const now = (this.data as unknown as Record<string, unknown>)[field];
      const present = Object.hasOwn(this.data, field);
      const unchanged = before.present === present && (before.value === now || (!isCollection(field) && equalJson(before.value, now)));
      if (!unchanged) changes.fields.set(field, before);
    }
    return changes;
  }

  private arrayView(raw: unknown[], collection: CollectionName): unknown[] {
    const existing = this.arrayViews.get(raw);
    if (existing) return existing.proxy;
    const beforeArrayChange = (target: unknown[], prop: string | symbol, value?: unknown) => {
      let before = this.arraysBefore.get(target);
      if (!before) this.arraysBefore.set(target, (before = { length: target.length }));
      if (before.contents || appendsOnly(before.length, prop, value)) return;
      before.contents = target.slice(0, before.length); // only appended to so far: the start is intact
    };
    const { proxy, revoke } = Proxy.revocable(raw, {
      get: (target, prop, receiver) => {
        if (typeof prop === 'string' && CALLBACK_METHODS.has(prop)) return this.callbackMethod(target, prop, collection, proxy);
        const value: unknown = Reflect.get(target, prop, receiver);
        // Only elements are objects (methods are functions, length a number): each is a record handed out.
        this.handOut(value, collection);
        return value;
      },
      set: (target, prop, value) => {
        beforeArrayChange(target, prop, value);
        (target as unknown as Record<PropertyKey, unknown>)[prop] = this.unwrap(value);
        return true;
      },
      deleteProperty: (target, prop) => {
        beforeArrayChange(target, prop);
        return Reflect.deleteProperty(target, prop);
      },
      defineProperty: (target, prop, descriptor) => {
        beforeArrayChange(target, prop);
        return Reflect.defineProperty(target, prop, { ...descriptor, value: this.unwrap(descriptor.value) });
      },
    });
    this.arrayViews.set(raw, { proxy, revoke });
    this.rawOfView.set(proxy, raw);
    return proxy;
  }

  /** The first time a record is handed to the mutation, its copy is taken: the "before" to compare and undo. */
  private handOut(value: unknown, collection: CollectionName): void {
    if (typeof value === 'object' && value !== null && !this.handedOut.has(value as StoreRecord)) {
      this.handedOut.set(value as StoreRecord, { collection, before: cloneJson(value as StoreRecord) });
    }
  }

  /**
   * `find`, `filter`, `some`... run on the real array with the callback wrapped, instead of through the
   * proxy: a proxy trap per element (its index turned into a string) costs far more than the callback.
   * Every element the callback sees is handed out, since the callback could change it — except that a
   * predicate (find, some...) only gets a shallow check: a copy of the element's own fields taken
   * before the call, compared by reference after it. That is what keeps `find` over 10k keys cheap; a
   * predicate that changes a nested array in place (absurd) would go unseen. What find returns is
   * handed out as usual.
   */
  private callbackMethod(raw: unknown[], name: string, collection: CollectionName, view: unknown[]) {
    const method = (Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    const predicate = PREDICATE_METHODS.has(name);
    return (callback: unknown, thisArg?: unknown) => {
      if (typeof callback !== 'function') return method.call(view, callback, thisArg); // the usual TypeError
      const call = (element: unknown, index: number) => (callback as (...args: unknown[]) => unknown).call(thisArg, element, index, view);
      const result = method.call(raw, (element: unknown, index: number) => {
        if (!predicate || typeof element !== 'object' || element === null || this.handedOut.has(element as StoreRecord)) {
          this.handOut(element, collection);
          return call(element, index);
        }
        const fields = { ...(element as StoreRecord) };
        try {
          return call(element, index);
        } finally {
          if (!sameFields(element as StoreRecord, fields))
            this.handedOut.set(element as StoreRecord, { collection, before: cloneJson(fields) });
        }
      });
      if (name === 'find' || name === 'findLast') this.handOut(result, collection);
      return result;
    };
  }

  private rememberField(target: Record<string, unknown>, field: string, copy: boolean): void {
    if (this.fieldsBefore.has(field)) return;
    const present = Object.hasOwn(target, field);
    const value = target[field];
    // Collections are restored by reference (their contents have their own undo); other values by copy.
    this.fieldsBefore.set(field, { present, value: copy || !isCollection(field) ? cloneJson(value) : value });
  }

  /** `data.keys = data.keys` must store the real array, not the view. */
  private unwrap(value: unknown): unknown {
    return this.rawOfView.get(value) ?? value;
  }
}
