// The data dir and the files in it are trusted only when they are the user's own and private: a data dir
// others may write to or another user owns is refused at start; daemon.json that is not the user's own
// private file is refused by both of its readers (the CLI's and the extension's); and nothing in the
// data dir is opened through a symbolic link (a planted audit.jsonl link leaves its target untouched).
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, connect } from '../../daemon/cliClient';
import { writeDaemonFile } from '../../daemon/daemonFile';
import { AuditLog } from '../../daemon/store/embedded/auditLog';
import { nodeStoreFs } from '../../daemon/store/storeFs';
import { readDaemonFile, UntrustedFileError } from '../../extension/daemonFile';
import { ensureDaemonBuilt, expectRefusal, launchDaemonProcess } from '../support/childDaemon';
import { startTestDaemon } from '../support/inProcessDaemon';
import { ownedByAnotherUser } from './support/otherUser';
import { useTempDirs } from '../support/tempDirs';

describe('reliability: a data dir and files only the user controls', function () {
  this.timeout(30_000);
  let undo: (() => void) | undefined;
  before(ensureDaemonBuilt);
  afterEach(async function () {
    undo?.();
    undo = undefined;
  });
  const temp = useTempDirs();

  for (const mode of [0o770, 0o707, 0o777]) {
    it(`refuses to start in a data dir of mode ${mode.toString(8)} (others may write), naming chmod 700, creating nothing`, async function () {
      const dataDir = await temp.make('open-dir');
      await chmod(dataDir, mode);
      const refused = launchDaemonProcess(dataDir);
      const exit = await expectRefusal(refused);
      assert.equal(exit.code, 1, refused.output());
      assert.ok(refused.output().includes(`chmod 700 ${dataDir}`), refused.output());
      assert.deepEqual(await readdir(dataDir), [], 'nothing was created in it');
    });
  }

  it('refuses a data dir that belongs to another user, and says how to take it over', async function () {
    const dataDir = await temp.make('their-dir');
    undo = await ownedByAnotherUser(dataDir);
    await assert.rejects(startTestDaemon({ defaults: 'daemon', dataDir }), /belongs to another user .*chown "\$\(id -u\)"/);
    undo();
    undo = undefined;
    assert.deepEqual(await readdir(dataDir), [], 'nothing was created in it');
  });

  describe('daemon.json, as both readers see it', function () {
    async function card(): Promise<{ dataDir: string; file: string }> {
      const dataDir = await temp.make('card');
      await writeDaemonFile(dataDir, {
        socket: path.join(dataDir, 'daemon.sock'),
        port: 1,
        pid: 1,
        token: 'ksa_card_token_0123456789',
        version: '0',
      });
      return { dataDir, file: path.join(dataDir, 'daemon.json') };
    }
    async function expectBothRefuse(dataDir: string, why: RegExp): Promise<void> {
      await assert.rejects(readDaemonFile(dataDir), (error: unknown) => error instanceof UntrustedFileError && why.test(error.message));
      await assert.rejects(connect(dataDir), (error: unknown) => error instanceof CliError && why.test(error.message));
    }

    it('is refused by the CLI and the extension when group or others may read it', async function () {
      const { dataDir, file } = await card();
      for (const mode of [0o640, 0o604, 0o644]) {
        await chmod(file, mode);
        await expectBothRefuse(dataDir, /accessible by other users .*chmod 600/);
      }
    });

    it('is refused by the CLI and the extension when another user owns it', async function () {
      const { dataDir, file } = await card();
      undo = await ownedByAnotherUser(file);
      await expectBothRefuse(dataDir, /belongs to another user/);
    });

    it('is refused by the CLI and the extension when it is a symbolic link, even to a private file', async function () {
      const { dataDir, file } = await card();
      const elsewhere = await temp.make('card-target');
      await writeFile(path.join(elsewhere, 'daemon.json'), await readFile(file), { mode: 0o600 });
      await rm(file);
      await symlink(path.join(elsewhere, 'daemon.json'), file);
      await expectBothRefuse(dataDir, /is a symbolic link/);
    });
  });

  describe('symbolic links planted in the data dir', function () {
    it('refuses to start with audit.jsonl linked to another file, which stays byte-identical', async function () {
      const dataDir = await temp.make('audit-link');
      const victim = path.join(await temp.make('victim'), 'notes.txt');
      await writeFile(victim, "the user's own notes\n");
      await symlink(victim, path.join(dataDir, 'audit.jsonl'));
      const refused = launchDaemonProcess(dataDir);
      const exit = await expectRefusal(refused);
      assert.equal(exit.code, 1, refused.output());
      assert.match(refused.output(), /audit\.jsonl is a symbolic link/);
      assert.equal(await readFile(victim, 'utf8'), "the user's own notes\n");
    });

    it('never appends audit events through a link, even one planted after the start-up check', async function () {
      const dataDir = await temp.make('audit-open');
      const victim = path.join(await temp.make('victim'), 'notes.txt');
      await writeFile(victim, 'kept\n');
      await symlink(victim, path.join(dataDir, 'audit.jsonl'));
      await assert.rejects(AuditLog.open(nodeStoreFs, path.join(dataDir, 'audit.jsonl')), /symbolic link/);
      assert.equal(await readFile(victim, 'utf8'), 'kept\n');
    });

    for (const name of ['store.json', 'master.key', 'store.journal']) {
      it(`refuses to start with ${name} linked elsewhere`, async function () {
        const dataDir = await temp.make('store-link');
        const elsewhere = path.join(await temp.make('elsewhere'), name);
        await mkdir(path.dirname(elsewhere), { recursive: true });
        await writeFile(elsewhere, 'not yours\n', { mode: 0o600 });
        await symlink(elsewhere, path.join(dataDir, name));
        await assert.rejects(
          startTestDaemon({ defaults: 'daemon', dataDir }),
          new RegExp(`${name.replace('.', '\\.')} is a symbolic link`),
        );
        assert.equal(await readFile(elsewhere, 'utf8'), 'not yours\n');
      });
    }
  });
});
