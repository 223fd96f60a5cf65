// `tsx bench/seedDataDir.ts <dataDir> <count>`: fills a fresh data dir with <count> keys through the
// real store API (storeSeed.ts), for processes that cannot import TypeScript — the e2e harness seeds
// the data dir its VS Code window will open with this, instead of 10,000 HTTP calls. Prints one JSON
// line with the count and the time taken; the secrets stay in this process's memory and die with it.
import { seedStore } from './storeSeed';

async function main(): Promise<void> {
  const [dataDir, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!dataDir || !Number.isInteger(count) || count < 0) {
    throw new Error('usage: tsx bench/seedDataDir.ts <dataDir> <count>   (count: a whole number of keys)');
  }
  const started = performance.now();
  const seeded = await seedStore(dataDir, count);
  process.stdout.write(`${JSON.stringify({ keyCount: seeded.keyCount, seedMs: Math.round(performance.now() - started) })}\n`);
}

main().catch((error: unknown) => {
  console.error(`seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
