// `keysmith` — scripts' and terminals' way to the running daemon (found through daemon.json).
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { CliError, connect, type DaemonConnection } from './cliClient';
import { readSecretFrom } from './cliSecret';
import { resolveDataDir } from '../common/daemonJson';
import { hooksCommand } from './cli/hooksCommand';
import { MEMBERS_USAGE, membersCommand } from './cli/membersCommand';
import { scanCommand } from './cli/scanCommand';
import { textTable } from './cli/textTable';
import type { KeyCreated, KeyList, KeyView, Service, VerifyResponse } from './protocol';

const USAGE = `Usage: keysmith <command> [options] [--data-dir DIR] [--json]

  keys list     [--service ID] [--env test|production] [--status S] [--q TEXT] [--page N]
  keys create   --service ID --env test|production --name NAME [--expires DATE] [--permission P ...]
  keys revoke   KEY_ID
  keys verify   [- | SECRET] [--method M] [--company C] [--ip ADDRESS]
  services list
${MEMBERS_USAGE}
  scan          [PATH ...] [--staged] [--gitleaks-config]
  hooks install [--force]

  scan lists the Keysmith keys in the files git tracks or would add (--staged: in the staged blobs),
  with each key's name and state; it exits 2 when a key that is not revoked (or unknown to this store)
  sits in such a file. hooks install adds a git pre-commit hook running \`keysmith scan --staged\`.

  keys verify reads the secret from stdin when given "-" or no SECRET; prefer that, since a secret
  in the arguments shows in \`ps\` and the shell history:  keysmith keys verify - < secret.txt

  members manage a team store's members (PostgreSQL): each is a database login in one role. members add
  --password-stdin reads the login's password from stdin:  keysmith members add ana --role issuer --password-stdin < pw.txt

  --json prints the daemon's JSON answer instead of a table.
`;

type Print = (value: unknown, human: () => string) => void;

function keyRows(keys: KeyView[]): string {
  if (keys.length === 0) return 'No keys match.';
  return textTable([
    ['ID', 'NAME', 'SERVICE', 'ENV', 'STATE', 'KEY', 'STARTS', 'EXPIRES', 'LAST USED'],
    ...keys.map((key) => [
      key.id,
      key.name,
      key.serviceId,
      key.environment,
      key.state,
      key.masked,
      key.startsAt.slice(0, 10),
      key.expiresAt?.slice(0, 10) ?? '-',
      key.lastUsedAt ? `${key.lastUsedAt.slice(0, 16)} ${key.lastUsedIp ?? ''}` : 'never',
    ]),
  ]);
}

async function keysCommand(daemon: DaemonConnection, args: ParsedArgs, print: Print): Promise<void> {
  const [, sub, target] = args.positionals;
  const option = (name: string) => args.options.get(name);
  switch (sub) {
    case 'list': {
      const query = new URLSearchParams();
      for (const [flag, param] of [
        ['service', 'serviceId'],
        ['env', 'environment'],
        ['status', 'status'],
        ['q', 'q'],
        ['page', 'page'],
      ] as const) {
        const value = option(flag);
        if (value !== undefined) query.set(param, value);
      }
      const list = await daemon.call<KeyList>('GET', `/v1/keys?${query}`);
      return print(list, () => `${keyRows(list.items)}\n(${list.items.length} of ${list.total}, page ${list.page})`);
    }
    case 'create': {
      const permissions = option('permission')
        ?.split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const body = {
        serviceId: option('service'),
        environment: option('env'),
        name: option('name'),
        expiresAt: option('expires'),
        permissions,
      };
      const created = await daemon.call<KeyCreated>('POST', '/v1/keys', body);
      return print(created, () =>
        [
          `Created ${created.key.id} (${created.key.name}, ${created.key.serviceId}, ${created.key.environment}).`,
          `Reference:     ${created.secret.reference}`,
          `Secret:        ${created.secret.secret}`,
          ...(created.secret.authorization ? [`Authorization: ${created.secret.authorization}`] : []),
          created.key.retrievable ? 'This test key can be revealed again later.' : 'Store the secret now: it will not be shown again.',
        ].join('\n'),
      );
    }
    case 'revoke': {
      if (!target) throw new UsageError('keys revoke needs a KEY_ID');
      const key = await daemon.call<KeyView>('POST', `/v1/keys/${encodeURIComponent(target)}/revoke`);
      return print(key, () => `Revoked ${key.id} (${key.name}).`);
    }
    case 'verify': {
      const secret = target === undefined || target === '-' ? await readSecretFrom(process.stdin) : target;
      if (!secret) throw new UsageError('keys verify read no secret from stdin; pipe it in, e.g. keysmith keys verify - < secret.txt');
      const body = { key: secret, method: option('method'), company: option('company'), clientIp: option('ip') };
      const result = await daemon.call<VerifyResponse>('POST', '/v1/verify', body);
      print(result, () =>
        result.valid ? `valid: ${result.keyId} (${result.serviceId}, ${result.environment})` : `invalid: ${result.code}`,
      );
      if (!result.valid) process.exitCode = 2;
      return;
    }
    default:
      throw new UsageError(`unknown keys command "${sub ?? ''}"`);
  }
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(
    argv,
    ['data-dir', 'service', 'env', 'status', 'q', 'page', 'name', 'expires', 'permission', 'method', 'company', 'ip', 'role'],
    ['json', 'help', 'staged', 'gitleaks-config', 'force', 'password-stdin'],
  );
  const [group, sub] = args.positionals;
  if (args.flags.has('help') || group === undefined) return void process.stdout.write(USAGE);
  const json = args.flags.has('json');
  const print: Print = (value, human) => console.log(json ? JSON.stringify(value, null, 2) : human());
  // scan still reports (state "unknown") when no daemon runs, and hooks never needs one.
  if (group === 'scan') return scanCommand(args, resolveDataDir(args.options.get('data-dir')), json);
  if (group === 'hooks') return hooksCommand(args, args.options.get('data-dir'));
  const daemon = await connect(resolveDataDir(args.options.get('data-dir')));
  if (group === 'keys') return keysCommand(daemon, args, print);
  if (group === 'members') return membersCommand(daemon, args, print, () => readSecretFrom(process.stdin, 'Password'));
  if (group === 'services' && sub === 'list') {
    const { items } = await daemon.call<{ items: Service[] }>('GET', '/v1/services');
    return print({ items }, () =>
      textTable([
        ['ID', 'NAME', 'CODE', 'SCHEME', 'AVAILABLE'],
        ...items.map((s) => [s.id, s.name, s.code ?? '-', s.scheme, s.enabled ? 'yes' : `no (${s.disabledReason ?? 'disabled'})`]),
      ]),
    );
  }
  throw new UsageError(`unknown command "${args.positionals.join(' ')}"`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`keysmith: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError || error instanceof CliError ? 1 : 70;
});
