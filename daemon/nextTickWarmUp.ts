// Every verify queues a few callbacks with process.nextTick (Node's streams end, destroy and resume
// through it), and nextTick builds each one as an object literal with two computed keys, its async ids.
// V8 remembers per key of that literal which object shapes it met. On a team store, the start-up's
// PostgreSQL traffic reached nextTick while it still ran unoptimised, and three of those four caches
// ended megamorphic for good (in every start looked at): each tick object then went through V8's slow
// path (DefineKeyedOwnPropertyInLiteral, MigrateToMap: ~2 µs per verify, bench/README.md). Keeping
// nextTick busy over the first event-loop turns, while the store opens, gets it optimised with its
// caches monomorphic, as they are on the embedded store; the slow path left the profile.
const noop = (): void => {};

/** ~40,000 empty ticks spread over the next `rounds` turns of the event loop (a few ms of CPU). */
export function warmUpNextTick(rounds = 50, perRound = 800): void {
  let round = 0;
  const next = (): void => {
    for (let i = 0; i < perRound; i += 1) process.nextTick(noop);
    round += 1;
    if (round < rounds) setImmediate(next);
  };
  next();
}
