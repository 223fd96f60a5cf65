// The repository contract (repositoryContract.ts), the same one the embedded store passes, on a fresh
// PostgreSQL database per test: both stores must answer the core alike.
import { openPostgresStore } from '../../daemon/store/postgres/postgresStore';
import { createTestDatabase } from '../support/postgresServer';
import { describeRepositoryContract } from './repositoryContract';

describeRepositoryContract('postgres', async () => {
  const store = await openPostgresStore({ url: await createTestDatabase('contract'), usageFlushMs: 10 });
  return { store, cleanup: () => store.close() };
});
