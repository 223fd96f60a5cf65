// Loading a big store allocates fast and keeps most of what it allocates, so V8 grows its young
// generation to the most it may (two 16 MB semi-spaces) and keeps it once the daemon idles: ~28 MB of
// an idle daemon's RSS at 100k keys, which only V8's memory reducer gives back, 20-35 s later (no API
// starts it sooner). The records are kept anyway, so a bigger young generation saves the load little:
// the daemon process starts with growth off (this module is main.ts's first import, so it runs before
// the rest of the bundle) and the young generation stays at its first 1 MB semi-spaces while starting.
// Once the daemon serves, V8's own growth is back for bursts of requests.
import { setFlagsFromString } from 'node:v8';

/** V8's default (`node --v8-options`): each growth doubles the semi-spaces, up to their maximum. */
const V8_DEFAULT_GROWTH_FACTOR = 2;

/** A person who set the young generation's size or growth on node's command line keeps what they set. */
const sizedByUser = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) =>
  /^--(max|min)[-_]semi[-_]space[-_]size|^--semi[-_]space[-_]growth[-_]factor/.test(arg),
);

if (!sizedByUser) setFlagsFromString('--semi-space-growth-factor=1');

/** Gives the young generation V8's default growth back: call once the daemon serves. */
export function endStartupYoungGeneration(): void {
  if (!sizedByUser) setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}
