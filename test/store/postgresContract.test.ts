// The repository contract (repositoryContract.ts), the same one the embedded store passes, on a fresh
// PostgreSQL database per test, opened as a member (an owner's own login), as a team's daemon is.
import { openPostgresStore } from '../../daemon/store/postgres/postgresStore';
import { createTestDatabase } from '../support/postgresServer';
import { addMember, openAs } from '../team/support/members';
import { describeRepositoryContract } from './repositoryContract';

describeRepositoryContract('postgres', async () => {
  const url = await createTestDatabase('contract');
  // The database owner migrates the schema and adds the first owner, as in docs/team.md.
  const setup = await openPostgresStore({ url, usageFlushMs: 10 });
  const owner = await addMember(setup, url, 'contract_owner', 'owner').finally(() => setup.close());
  const store = await openAs(owner);
  return { store, cleanup: () => store.close() };
});
