// What run.mjs hands the UI tests: the run's temp root and the code-servers it started. Passed
// through the environment so a test file needs nothing but its imports, and a failure to find it
// says how the UI tests are meant to be started.
export const RUN_CONTEXT_ENV = 'KEYSMITH_E2E_CONTEXT';

/** @returns {{ root: string, servers: Record<'en'|'fr', { origin: string, port: number, userDataDir: string }> }} */
export function runContext() {
  const raw = process.env[RUN_CONTEXT_ENV];
  if (!raw) {
    throw new Error(
      `${RUN_CONTEXT_ENV} is not set: run the UI tests through the harness, e.g. \`node test/e2e/run.mjs ui/smoke.test.mjs\``,
    );
  }
  return JSON.parse(raw);
}
