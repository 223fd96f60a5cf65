// Mocha root hook (loaded by .mocharc.cjs for every run): stops the shared PostgreSQL test server once
// every suite is done. It costs nothing when no suite asked for the server: the server starts lazily.
import { disposeSharedPostgresServer } from './postgresServer';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await disposeSharedPostgresServer();
  },
};
