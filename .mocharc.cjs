// Mocha for the daemon, injection and reliability suites (TypeScript through tsx).
module.exports = {
  // postgresRootHooks: stops the one PostgreSQL test server a mocha process may start (lazily).
  require: ['tsx/cjs', './test/support/postgresRootHooks.ts'],
  extension: ['ts'],
  timeout: 20000,
  reporter: 'spec',
  // The linear-time tests time writers in CPU time: with V8's concurrent GC threads, their work lands in
  // whatever batch happens to be running, which made a linear writer look quadratic now and then.
  'node-option': ['single-threaded-gc'],
};
