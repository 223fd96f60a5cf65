// CPU time per create on the embedded store, in this process (no HTTP, no daemon): a figure that a
// loaded machine disturbs less than creates/s. 10,000 keys stored, then 300 sequential creates and 20
// waves of 50 concurrent ones through `keys.insert`. To compare two builds, point it at another
// checkout's store module (alternate the runs):
//   npx tsx bench/embeddedCreateCpu.ts [path of embeddedStore.ts, default this checkout's]
import * as path from 'node:path';
import type { openEmbeddedStore as OpenEmbeddedStore } from '../daemon/store/embedded/embeddedStore';
import type { KeyRecord } from '../daemon/store/types';
import { makeTempDir, removeDir } from '../test/support/tempDirs';

const modulePath = path.resolve(process.argv[2] ?? path.join(__dirname, '../daemon/store/embedded/embeddedStore.ts'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the store of the build named on the command line
const { openEmbeddedStore } = require(modulePath) as { openEmbeddedStore: typeof OpenEmbeddedStore };

const at = '2026-01-01T00:00:00.000Z';
const key = (n: number): KeyRecord => ({
  ...{ id: `key_${n}`, serviceId: 'svc', environment: 'test', name: `Key ${n}`, reference: `ref_${n}`, hint: '1234' },
  ...{ secretHash: n.toString(16).padStart(64, '0'), origin: 'generated', status: 'active', startsAt: at },
  ...{ permissions: [], companies: [], ipAllowList: [], createdAt: at, createdBy: 'bench', updatedAt: at, useCount: 0 },
});
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function main(): Promise<void> {
  const dataDir = await makeTempDir('create-cpu');
  const keys = Array.from({ length: 10_000 }, (_, i) => key(i));
  const services = [{ id: 'svc', name: 'Service', enabled: true }] as never[];
  const store = await openEmbeddedStore({ dataDir, initialData: () => ({ version: 1, services, keys, tokens: [] }) });
  try {
    let next = 100_000;
    const create = () => store.keys.insert(key(next++), { requireEnabledService: true });
    const sequential = process.cpuUsage();
    for (let i = 0; i < 300; i++) await create();
    const sequentialMs = cpuMs(process.cpuUsage(sequential));
    const concurrent = process.cpuUsage();
    for (let wave = 0; wave < 20; wave++) await Promise.all(Array.from({ length: 50 }, create));
    const concurrentMs = cpuMs(process.cpuUsage(concurrent));
    console.log(`CPU per create: sequential ${(sequentialMs / 300).toFixed(3)} ms, 50 concurrent ${(concurrentMs / 1000).toFixed(3)} ms`);
  } finally {
    await store.close();
    await removeDir(dataDir);
  }
}

void main();
