// The material and "before" files of docs/injection.md's worked examples. Obviously fake values:
// they show the shape of a key, not a key.
import type { InjectMaterial } from '../../../daemon/inject';

const EXAMPLE = {
  payline: { reference: '17616983', secret: 'pay_test_EXAMPLExEXAMPLExEXAMPLExEX0000' },
  'cegid-loop-standard': { reference: 'loop-key-4f1c9a', secret: 'loop_test_EXAMPLExEXAMPLExEXAMPLExEX0000' },
  'cegid-loop-cabinet': { reference: 'loopcab-key-77b2e0', secret: 'loopcab_test_EXAMPLExEXAMPLExEXAMPLExEX0000' },
  ingeneo: { reference: 'ing-key-2d8e51', secret: 'ing_test_EXAMPLExEXAMPLExEXAMPLExEX0000' },
  cloudmc: { reference: 'cmc-key-a03f7c', secret: 'cmc_test_EXAMPLExEXAMPLExEXAMPLExEX0000' },
} as const;

export function exampleMaterial(serviceId: string): InjectMaterial {
  const { reference, secret } = EXAMPLE[serviceId as keyof typeof EXAMPLE];
  return serviceId === 'payline'
    ? { reference, secret, authorization: `Basic ${Buffer.from(`${reference}:${secret}`).toString('base64')}` }
    : serviceId === 'ingeneo' || serviceId === 'cloudmc'
      ? { reference, secret, authorization: `Bearer ${secret}` }
      : { reference, secret };
}

export const EXAMPLE_BEFORE: Record<string, string> = {
  'payline-kit-properties': [
    '# Payline integration kit - environment settings',
    '# HOMO = homologation (test), PROD = production',
    'payline.environment = HOMO',
    'payline.merchantId = 00000000',
    'payline.accessKey = replace-me',
    'payline.proxy.host =',
    '',
  ].join('\n'),
  'payline-kit-ini': [
    '; Payline kit configuration',
    '[payline]',
    'environment = HOMO',
    'merchant_id = 12345678',
    '',
    '[logging]',
    'level = info',
    '',
  ].join('\n'),
  'payline-env-authorization': ['# Sales application', 'PAYLINE_ENDPOINT=https://homologation.payline.com/V4/services/', ''].join('\n'),
  'cegid-loop-env': ['# Cegid Loop client', 'LOOP_API_URL=https://api.loop.example/v1', 'LOOP_API_KEY_ID=', 'LOOP_API_SECRET=', ''].join(
    '\n',
  ),
  'cegid-loop-cabinet-env': ['# Cegid Loop - APIKey Cabinet', 'export LOOP_CABINET_API_KEY_ID="previous-key-id"', ''].join('\n'),
  'ingeneo-json': [
    '{',
    '  // INGENEO third-party API (Paramètres / Administration / APIs / APIs externes)',
    '  "ingeneo": {',
    '    "baseUrl": "https://api.ingeneo.example",',
    '    "apiKey": "replace-me",',
    '    "companies": ["ACME"]',
    '  }',
    '}',
    '',
  ].join('\n'),
  'cloudmc-yaml': [
    '# CloudMC client',
    'cloudmc:',
    '  endpoint: https://cloudmc.example/api/v2   # from "Identifiants d\'API"',
    '  timeout: 30',
    '',
  ].join('\n'),
};
