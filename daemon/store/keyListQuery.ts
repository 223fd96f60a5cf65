// The key list as the embedded store answers it: filter, sort (ties broken by id), one page. A database
// store answers the same query in SQL; the contract tests hold both to these semantics.
import { deriveState } from '../keys/keyState';
import type { KeyListQuery } from './repositories';
import type { KeyRecord } from './types';

export function selectKeys<T extends KeyRecord>(records: Iterable<T>, query: KeyListQuery): { items: T[]; total: number } {
  const needle = query.q?.normalize('NFC').toLowerCase();
  const matches: T[] = [];
  for (const key of records) {
    if (query.serviceId !== undefined && key.serviceId !== query.serviceId) continue;
    if (query.environment !== undefined && key.environment !== query.environment) continue;
    if (query.createdBy !== undefined && key.createdBy !== query.createdBy) continue;
    if (needle && !key.name.toLowerCase().includes(needle) && !key.reference.toLowerCase().includes(needle)) continue;
    // The state is derived per record only when the filter asks for it.
    if (query.state !== undefined && deriveState(key, query.now) !== query.state) continue;
    matches.push(key);
  }
  const direction = query.order === 'asc' ? 1 : -1;
  const field = query.sort;
  matches.sort((a, b) => {
    const byField = field === 'name' ? a.name.localeCompare(b.name) : a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
    return (byField || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * direction;
  });
  const start = (query.page - 1) * query.pageSize;
  return { items: matches.slice(start, start + query.pageSize), total: matches.length };
}
