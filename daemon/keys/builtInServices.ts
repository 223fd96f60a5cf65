// Built-in catalogue entries for the platforms users know from their admin pages (Cegid Loop, Payline, INGENEO, CloudMC).
// They can be disabled and enabled, never deleted.
import type { Service } from '../protocol';

export const BUILT_IN_SERVICES: readonly Service[] = [
  {
    id: 'cegid-loop-standard',
    name: 'Loop APIKey standard',
    code: 'P04448',
    description: "Cegid Loop API key for a firm's applications. Always available.",
    enabled: true,
    scheme: 'pair',
    prefix: 'loop',
    permissions: [],
    builtIn: true,
  },
  {
    id: 'cegid-loop-cabinet',
    name: 'Cegid Loop - APIKey Cabinet',
    code: 'P04454',
    description: 'Cegid Loop API key for the accounting firm itself, available once the firm subscribed.',
    enabled: false,
    disabledReason: 'requires a Cabinet subscription',
    scheme: 'pair',
    prefix: 'loopcab',
    permissions: [],
    builtIn: true,
  },
  {
    id: 'payline',
    name: 'Payline',
    description: 'Payline payment API: Authorization: Basic base64(reference:key). Test = homologation.',
    endpoint: 'https://homologation.payline.com/V4/services/',
    enabled: true,
    scheme: 'basic',
    prefix: 'pay',
    permissions: [],
    defaultValidityDays: 365,
    builtIn: true,
    environmentLabels: { test: 'homologation', production: 'production' },
  },
  {
    id: 'ingeneo',
    name: 'INGENEO',
    description: 'Third-party API keys with per-method permissions and company restrictions.',
    enabled: true,
    scheme: 'bearer',
    prefix: 'ing',
    permissions: ['employees.read', 'employees.write', 'payroll.read', 'payroll.write', 'documents.read', 'documents.write'],
    supportsCompanies: true,
    builtIn: true,
  },
  {
    id: 'cloudmc',
    name: 'CloudMC',
    description: 'CloudMC API key: carries the privileges of the user who created it. One key per application.',
    endpoint: 'https://cloudmc.example/api/v2',
    enabled: true,
    scheme: 'bearer',
    prefix: 'cmc',
    permissions: [],
    builtIn: true,
  },
];

/** What a user may change on a built-in: availability and display, not how its keys look or what they grant. */
export const BUILT_IN_EDITABLE_FIELDS: ReadonlySet<string> = new Set([
  'enabled',
  'disabledReason',
  'endpoint',
  'description',
  'defaultValidityDays',
]);
