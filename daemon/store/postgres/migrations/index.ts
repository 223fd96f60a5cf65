// Every migration the code knows, in order. A migration is SQL in a TypeScript string (the daemon is one
// esbuild bundle, with no files beside it); once released it is never edited, only followed by another.
import { initialSchema } from './001_initial';
import { rolesSchema } from './002_roles';
import { serviceLockSchema } from './003_service_lock';
import { serviceCheckPlanSchema } from './004_service_check_plan';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'roles', sql: rolesSchema },
  { version: 3, name: 'service lock', sql: serviceLockSchema },
  { version: 4, name: 'service check plan', sql: serviceCheckPlanSchema },
];
