// The API suites again, with every test daemon on a team store (KEYSMITH_TEST_STORE=postgres, set by
// the `test:unit` script): a fresh PostgreSQL database per daemon, as the login role `tester`
// (test/support/teamStore.ts). The CLI suites too: childDaemon.ts puts their child daemons on the team
// store. The same assertions hold on both stores.
//
// Left out, because they test the embedded store's own files or the process rather than the API:
// store.*.test.ts (lowdb files, journal, locks), daemonProcess (the process: daemon.json, data-dir and
// file-mode checks, signals; test/team/startup.test.ts covers a team daemon's start), and the unit
// suites that start no daemon (keyFormat, keyRules, keyRecognition, sealing, scanCache, errorStatus,
// keyQueries.list, cliClient). servicesApi's upgrade test seeds an embedded store file on purpose.
// Of test/reliability, the suites that attack the API run here (requests, races, the fuzzer, injection
// through the API); the others attack the embedded store's files or the data dir (crashRecovery reads
// store.json after kills; diskFaults, dataDirTrust, privateFiles, startupSafety), stop processes
// (shutdown, impostor) or measure time on one store (soak*, tokenTiming, injectNoStall).
const base = require('./.mocharc.cjs');

module.exports = {
  ...base,
  spec: [
    'test/daemon/*Api*.test.ts',
    'test/daemon/cli.test.ts',
    'test/daemon/scanCli.test.ts',
    'test/daemon/listKeys.test.ts',
    'test/daemon/openapi.test.ts',
    'test/daemon/openapi.observedStatuses.test.ts',
    'test/daemon/security.test.ts',
    'test/daemon/showOnce.test.ts',
    'test/daemon/transport.test.ts',
    'test/daemon/validation.test.ts',
    'test/daemon/verifyFastPath.test.ts',
    'test/reliability/attacks.test.ts',
    'test/reliability/badBodies.test.ts',
    'test/reliability/badFields.test.ts',
    'test/reliability/badQueries.test.ts',
    'test/reliability/concurrency.test.ts',
    'test/reliability/fuzz.test.ts',
    'test/reliability/injectGitFolder.test.ts',
    'test/reliability/injectPaths.test.ts',
    'test/reliability/injectSecrecy.test.ts',
    'test/reliability/keyInNames.test.ts',
    'test/reliability/missingHost.test.ts',
    'test/reliability/noEcho.test.ts',
    'test/reliability/refusedUploads.test.ts',
  ],
};
