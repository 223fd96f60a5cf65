// An in-memory KeyStore: the test double for domain and route tests, with the same all-or-nothing
// and usage semantics as the durable store, minus the disk.
import type { AuditEvent } from '../protocol';
import { selectAudit, type AuditFilter } from './auditQuery';
import { applyUse } from './keyUsage';
import type { KeyStore, KeyUse, StoreData } from './types';

export function createMemoryStore(initial: StoreData): KeyStore {
  let data: StoreData = structuredClone(initial);
  const audit: AuditEvent[] = [];
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new Error('The Keysmith store is closed.');
  };

  return {
    read: () => data,

    async transact<T>(mutate: (draft: StoreData) => T): Promise<T> {
      assertOpen();
      // Mutating a copy and swapping it in makes a throwing mutation leave no trace. The cost of a
      // full copy is fine for a test double; the durable store avoids it.
      const draft = structuredClone(data);
      const result = mutate(draft);
      if (typeof (result as { then?: unknown } | null)?.then === 'function') {
        // Same contract as the durable store, so domain tests catch what production would refuse.
        throw new TypeError('A transact mutation must be synchronous: changes made after an await would escape the write.');
      }
      data = draft;
      return result;
    },

    recordUse(use: KeyUse): void {
      if (closed) return;
      const key = data.keys.find((k) => k.id === use.keyId);
      if (key) applyUse(key, use);
    },

    async appendAudit(events: AuditEvent[]): Promise<void> {
      assertOpen();
      audit.push(...structuredClone(events));
    },

    async readAudit(filter: AuditFilter): Promise<AuditEvent[]> {
      return structuredClone(selectAudit(audit, filter));
    },

    async flush(): Promise<void> {},

    async close(): Promise<void> {
      closed = true;
    },
  };
}
