// `keysmith members add|list|remove|set-role`: the team store's members, through the daemon's admin API
// like every other command. A password is read from stdin (--password-stdin), never taken from argv,
// where `ps` and the shell history would show it.
import type { ParsedArgs } from '../args';
import { UsageError } from '../args';
import type { DaemonConnection } from '../cliClient';
import type { Member, MemberList } from '../protocol';
import { textTable } from './textTable';

export type Print = (value: unknown, human: () => string) => void;

export const MEMBERS_USAGE = `  members list
  members add      NAME --role owner|admin|issuer|auditor|verifier [--password-stdin]
  members set-role NAME ROLE
  members remove   NAME`;

const path = (name: string) => `/v1/members/${encodeURIComponent(name)}`;

export async function membersCommand(
  daemon: DaemonConnection,
  args: ParsedArgs,
  print: Print,
  readPassword: () => Promise<string>,
): Promise<void> {
  const [, sub, name, role] = args.positionals;
  switch (sub) {
    case 'list': {
      const list = await daemon.call<MemberList>('GET', '/v1/members');
      return print(list, () =>
        list.items.length === 0
          ? 'No members.'
          : textTable([
              ['NAME', 'ROLE', 'SINCE'],
              ...list.items.map((member) => [member.name, member.role, member.createdAt.slice(0, 10)]),
            ]),
      );
    }
    case 'add': {
      if (!name) throw new UsageError('members add needs a NAME');
      const chosen = args.options.get('role');
      if (!chosen) throw new UsageError('members add needs --role owner|admin|issuer|auditor|verifier');
      let password: string | undefined;
      if (args.flags.has('password-stdin')) {
        password = await readPassword();
        if (!password) throw new UsageError('members add --password-stdin read no password from stdin');
      }
      const added = await daemon.call<Member>('POST', '/v1/members', { name, role: chosen, password });
      return print(added, () =>
        [
          `Added ${added.name} as ${added.role}.`,
          password === undefined
            ? 'No password was set: the login authenticates as the database server allows (certificate, peer...).'
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    case 'set-role': {
      if (!name || !role) throw new UsageError('members set-role needs a NAME and a ROLE');
      const changed = await daemon.call<Member>('PATCH', path(name), { role });
      return print(changed, () => `${changed.name} is now ${changed.role}.`);
    }
    case 'remove': {
      if (!name) throw new UsageError('members remove needs a NAME');
      await daemon.call<undefined>('DELETE', path(name));
      return print({ removed: name }, () => `Removed ${name}.`);
    }
    default:
      throw new UsageError(`unknown members command "${sub ?? ''}"`);
  }
}
