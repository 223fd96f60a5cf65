// Mocha hooks for the setup almost every suite repeats. `useTestDaemon` registers the start and the
// stop and returns the daemon at once; its fields read through to the daemon the hook started, so the
// suite can keep `daemon.request(...)` in its tests without a `let` filled in `before`.
//
//   describe('keys API', () => {
//     const daemon = useTestDaemon({ clock }, 'each');   // a fresh daemon per test
//     const temp = useTempDirs();                        // (tempDirs.ts) removed after each test
//     it('...', async () => { await daemon.request('GET', '/v1/keys'); });
//   });
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from './inProcessDaemon';

/**
 * A daemon started before the block (`'all'`, default) or before each test (`'each'`), and stopped
 * after it. `options` may be a function, read when the hook runs (e.g. a clock made in an earlier hook).
 */
export function useTestDaemon(options: TestDaemonOptions | (() => TestDaemonOptions) = {}, scope: 'all' | 'each' = 'all'): TestDaemon {
  let current: TestDaemon | undefined;
  const start = async () => {
    current = await startTestDaemon(typeof options === 'function' ? options() : options);
  };
  const stop = async () => {
    const daemon = current;
    current = undefined;
    await daemon?.stop();
  };
  if (scope === 'each') {
    beforeEach(start);
    afterEach(stop);
  } else {
    before(start);
    after(stop);
  }
  return lateBound(() => current, 'the daemon of useTestDaemon() is only there inside its tests and hooks');
}

/** An object whose every property is read from `get()` at the time of use; throws `absent` while it is undefined. */
function lateBound<T extends object>(get: () => T | undefined, absent: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const value = get();
      if (value === undefined) throw new Error(absent);
      return Reflect.get(value, property, value);
    },
  });
}
