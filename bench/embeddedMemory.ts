// Where the embedded store's memory goes: seeds N keys in a child process (so the seeding's garbage is
// not counted), then, in this process, opens the store as the daemon does and builds the verify index as
// createCore does, printing process.memoryUsage() after a full GC at each step. Then the real daemon
// (dist/daemon.js, or KEYSMITH_DAEMON_BUNDLE) on the same data dir, as the team bench measures it: RSS
// 2 s after start and the peak, a few starts. Run on its own:
//   node --expose-gc --import tsx bench/embeddedMemory.ts [keys=100000] [daemon starts=3]
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { KeyIndex } from '../daemon/core/keyIndex';
import { initialStoreData } from '../daemon/server';
import { openEmbeddedStore } from '../daemon/store/embedded/embeddedStore';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import { memoryOf, startDaemon } from './benchDaemon';
import { formatMs } from './stats';
import { seedStore } from './storeSeed';

const MiB = 2 ** 20;

interface Step {
  step: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function measure(step: string): Step {
  global.gc!();
  global.gc!();
  const usage = process.memoryUsage();
  // `external` already counts the ArrayBuffers (the verify index's typed arrays among them).
  return { step, rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
}

async function main(keys: number, starts: number): Promise<void> {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const root = await makeTempDir('embedded-memory');
  try {
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    execFileSync(process.execPath, ['--import', 'tsx', __filename, '--seed', dataDir, String(keys)], { stdio: 'inherit' });
    const steps = [measure('modules loaded')];
    const store = await openEmbeddedStore({ dataDir, initialData: () => initialStoreData(), ownerName: 'bench' });
    steps.push(measure('store open (committed state in memory)'));
    // As createCore builds it: the keys narrowed and paged (verifyKeys), no whole record copied out, room
    // made at once for as many as the store says it holds.
    const index = await KeyIndex.fromPages(store.keys.verifyKeys(), await store.keys.keyCountHint?.());
    steps.push(measure(`verify index built from keys.verifyKeys() (${index.profileCount} distinct profiles)`));
    console.log(`| step (${keys.toLocaleString('en-US')} keys) | RSS | heap used | heap total | external | heap used added |`);
    console.log('| --- | --- | --- | --- | --- | --- |');
    steps.forEach((step, i) => {
      const added = i === 0 ? 0 : step.heapUsed - steps[i - 1]!.heapUsed;
      const mb = (bytes: number) => `${(bytes / MiB).toFixed(0)} MB`;
      console.log(
        `| ${step.step} | ${mb(step.rss)} | ${mb(step.heapUsed)} | ${mb(step.heapTotal)} | ${mb(step.external)} | ${added >= 0 ? '+' : ''}${mb(added)} |`,
      );
    });
    console.log(`(${index.size} keys in the verify index)`);
    await store.close();
    for (let start = 0; start < starts; start++) {
      const daemon = await startDaemon(dataDir);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const { rssMiB, peakMiB } = await memoryOf(daemon.pid);
        console.log(
          `daemon: start-up ${formatMs(daemon.startupMs)}, RSS 2 s after start ${rssMiB.toFixed(0)} MB, peak ${peakMiB.toFixed(0)} MB`,
        );
      } finally {
        await daemon.stop();
      }
    }
  } finally {
    await removeDir(root);
  }
}

if (process.argv[2] === '--seed') {
  void seedStore(process.argv[3]!, Number(process.argv[4]));
} else {
  main(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 3)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
