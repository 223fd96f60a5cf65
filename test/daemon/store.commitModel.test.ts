import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import { makeTempDir, removeDir } from '../support/tempDirs';
import { durableState, emptyData, sampleKey } from './support/storeData';
import { named, ScriptedFs } from './support/scriptedFs';

type Step = { kind: 'add'; n: number } | { kind: 'addThenThrow'; n: number } | { kind: 'diskFull' } | { kind: 'use'; n: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('add' as const), n: fc.nat(10_000) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('addThenThrow' as const), n: fc.nat(10_000) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('diskFull' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('use' as const), n: fc.nat(10_000) }), weight: 2 },
);

describe('store: group commit against a model (random concurrent changes, throws and disk faults)', () => {
  it('ends with exactly the changes whose commit resolved, the same in memory and on disk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (waves) => {
        const dir = await makeTempDir('store');
        const fs = new ScriptedFs();
        const store = await openEmbeddedStore({ dataDir: dir, initialData: emptyData, fs, usageFlushMs: 60_000 });
        try {
          const committed = new Set<string>();
          let id = 0;
          for (const wave of waves) {
            // Each wave runs concurrently: its commits share batches, a disk fault hits one write.
            const pending: Promise<void>[] = [];
            for (const s of wave) {
              const keyId = `key_${id++}`;
              if (s.kind === 'diskFull') fs.failOnce('write', 'ENOSPC', named('store.journal'));
              if (s.kind === 'use')
                store.recordUse({ keyId: [...committed][s.n % Math.max(committed.size, 1)] ?? 'none', at: '2026-01-01T00:00:00.000Z' });
              if (s.kind === 'add' || s.kind === 'addThenThrow') {
                // One unit of work adds a key and, when there is one, renames the first key: units racing
                // on it are refused at their turn in the batch (CONFLICT), as is a secret already taken.
                const firstId = store.read().keys[0]?.id;
                const outcome = store.unitOfWork(async (tx) => {
                  await tx.keys.insert(sampleKey(s.n, { id: keyId }));
                  const first = firstId === undefined ? undefined : await tx.keys.get(firstId);
                  if (first) await tx.keys.update({ ...first, name: `touched by ${keyId}` }, first.version);
                  if (s.kind === 'addThenThrow') throw new Error('refused by a domain rule');
                });
                pending.push(
                  outcome.then(
                    () => void committed.add(keyId),
                    () => undefined,
                  ),
                );
              }
            }
            await Promise.all(pending);
          }
          fs.heal();
          await store.flush();
          const onDisk = await durableState(dir);
          const inMemory = store.read();
          assert.deepEqual(new Set(inMemory.keys.map((k) => k.id)), committed);
          assert.deepEqual(onDisk, JSON.parse(JSON.stringify(inMemory)));
        } finally {
          fs.heal();
          await store.close();
          await removeDir(dir);
        }
      }),
      { numRuns: 40 },
    );
  });
});
