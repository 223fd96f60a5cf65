// Integration-kit presets: ready mappings for the settings files the seed platforms' users already
// keep a key in (Payline's kit, Cegid Loop, INGENEO, CloudMC). Service ids are the built-in ones of daemon/keys/builtInServices.ts.
// docs/injection.md shows each one at work, and a test keeps those examples true.
import type { Environment, InjectPreset, WorkspaceMappings } from '../protocol';

export const INJECTION_PRESETS: readonly InjectPreset[] = [
  {
    // Payline's admin centre: the key "is to be installed in the integration kit's settings file".
    // Its Basic header is base64(reference:key), so the reference plays the merchant id's part.
    id: 'payline-kit-properties',
    label: 'Payline integration kit (.properties): merchant id + access key',
    serviceId: 'payline',
    targets: [{ file: 'payline.properties', path: 'payline.accessKey', referencePath: 'payline.merchantId', value: 'pair' }],
  },
  {
    id: 'payline-kit-ini',
    label: 'Payline integration kit (INI): merchant id + access key',
    serviceId: 'payline',
    targets: [{ file: 'config/payline.ini', path: 'payline.access_key', referencePath: 'payline.merchant_id', value: 'pair' }],
  },
  {
    id: 'payline-env-authorization',
    label: 'Payline sales application (.env): ready Authorization header',
    serviceId: 'payline',
    targets: [{ file: '.env', path: 'PAYLINE_AUTHORIZATION', value: 'authorization' }],
  },
  {
    // CegidLife hands out "key" (identifiant) and "secret": two variables.
    id: 'cegid-loop-env',
    label: 'Cegid Loop client (.env): key id + secret',
    serviceId: 'cegid-loop-standard',
    targets: [{ file: '.env', path: 'LOOP_API_SECRET', referencePath: 'LOOP_API_KEY_ID', value: 'pair' }],
  },
  {
    id: 'cegid-loop-cabinet-env',
    label: 'Cegid Loop Cabinet client (.env): key id + secret',
    serviceId: 'cegid-loop-cabinet',
    targets: [{ file: '.env', path: 'LOOP_CABINET_API_SECRET', referencePath: 'LOOP_CABINET_API_KEY_ID', value: 'pair' }],
  },
  {
    id: 'ingeneo-json',
    label: 'INGENEO client (JSON config): API key',
    serviceId: 'ingeneo',
    targets: [{ file: 'config/ingeneo.json', path: 'ingeneo.apiKey', value: 'secret' }],
  },
  {
    id: 'cloudmc-yaml',
    label: 'CloudMC client (YAML config): API key',
    serviceId: 'cloudmc',
    targets: [{ file: 'config/cloudmc.yaml', path: 'cloudmc.apiKey', value: 'secret' }],
  },
];

export function presetsForService(serviceId: string): InjectPreset[] {
  return INJECTION_PRESETS.filter((preset) => preset.serviceId === serviceId);
}

/** The `.vscode/keysmith.json` entry a preset becomes for one environment. */
export function mappingFromPreset(preset: InjectPreset, environment: Environment): WorkspaceMappings['mappings'][number] {
  return { serviceId: preset.serviceId, environment, targets: preset.targets.map((t) => ({ ...t })) };
}
