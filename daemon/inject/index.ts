// Public face of injection: the entry points the injection worker runs (inject/worker/injectWorker.ts)
// and core's KeyInjection reaches through the Injector port (core/context.ts). Elsewhere the daemon uses
// only the worker pool (createCore) and the kit presets (GET /v1/inject/presets).
import type { Environment, InjectResult, InjectTarget } from '../protocol';
import { KeysmithError } from '../errors';
import { rm } from 'node:fs/promises';
import { writeFileAtomic } from './atomicWrite';
import { currentHash, encodeText } from './fileText';
import { readMappings } from './mappings';
import { planInjection, resultFor, type FilePlan, type PlannedTarget } from './plan';
import { maskOldSecrets, maskValues } from './previewMask';
import type { InjectMaterial } from './targetChanges';
import { shownName } from './targetFile';

export type { InjectMaterial } from './targetChanges';
export type { PlannedTarget } from './plan';

export interface InjectOptions {
  /** Write into files that git tracks and does not ignore. */
  force?: boolean;
  /**
   * Called by applyInjection once planning is over, right before the first byte is written: from then
   * on the call must be let finish (the worker pool's deadline stops only calls still planning).
   */
  onWriting?: () => void;
}

/**
 * Computes every target's new text without writing anything. Returns one result per target with
 * `before`, `after` and `hash`. Throws a KeysmithError: INVALID_TARGET for a path outside the
 * workspace, UNKNOWN_FORMAT or UNPARSABLE_FILE (with line and column), all answered 400;
 * TRACKED_BY_GIT unless `force` and FILE_CHANGED when a target's `expectedHash` no longer matches the
 * file, both 409.
 *
 * Secrets are masked in `before` (the values secret targets replace) and in `after` (the material).
 * `hash` is the SHA-256 of the file as it is now: pass it back as `expectedHash`.
 */
export async function previewInjection(
  workspace: string,
  targets: PlannedTarget[],
  material: InjectMaterial,
  options: InjectOptions = {},
): Promise<InjectResult[]> {
  const plan = await planInjection(workspace, targets, material, options.force ?? false);
  const secrets = [material.secret, material.authorization ?? ''];
  const texts = new Map(
    plan.files.map((file) => [
      file,
      {
        before: maskOldSecrets(file.content.text, file.changes, file.writers),
        after: maskValues(file.after, secrets),
      },
    ]),
  );
  return targets.map((target, i) => ({ ...resultFor(plan.fileOf[i]!, target), ...texts.get(plan.fileOf[i]!)! }));
}

/**
 * Plans every target first and refuses them all (nothing written) if any one is refused, with the
 * same errors as previewInjection; then writes each file atomically. Results carry no file text.
 */
export async function applyInjection(
  workspace: string,
  targets: PlannedTarget[],
  material: InjectMaterial,
  options: InjectOptions = {},
): Promise<InjectResult[]> {
  return exclusively(async () => {
    const plan = await planInjection(workspace, targets, material, options.force ?? false);
    const writes = plan.files.filter((file) => file.after !== file.content.text);
    const encoded = writes.map((file) => encodeText(file.after, file.content.encoding, file.resolved.file));
    // Last look before writing: a file edited while we planned is refused, not overwritten.
    for (const file of writes) {
      if ((await currentHash(file.resolved.real)) !== file.content.hash) {
        throw new KeysmithError(
          'FILE_CHANGED',
          `"${shownName(file.resolved.file)}" changed on disk while the injection was planned; try again.`,
          { file: shownName(file.resolved.file) },
        );
      }
    }
    const written: FilePlan[] = [];
    options.onWriting?.();
    try {
      for (const [i, file] of writes.entries()) {
        await writeFileAtomic(file.resolved.real, encoded[i]!);
        written.push(file);
      }
    } catch (error) {
      // A later file refused (disk full, name too long...): the earlier ones must not keep the new secret.
      await putBack(written);
      throw error;
    }
    return targets.map((target, i) => resultFor(plan.fileOf[i]!, target));
  });
}

/** Restores files written by an injection that failed further on: the exact old bytes, or no file. */
async function putBack(files: FilePlan[]): Promise<void> {
  for (const file of files.reverse()) {
    const { real, exists } = file.resolved;
    // Best effort: the caller reports the original failure either way.
    await (exists ? writeFileAtomic(real, Buffer.from(file.content.text, file.content.encoding)) : rm(real, { force: true })).catch(
      () => undefined,
    );
  }
}

/** Targets mapped in `<workspace>/.vscode/keysmith.json` for a service and environment; [] without that file. */
export async function mappedTargets(workspace: string, serviceId: string, environment: Environment): Promise<InjectTarget[]> {
  const mappings = await readMappings(workspace);
  return mappings.filter((m) => m.serviceId === serviceId && m.environment === environment).flatMap((m) => m.targets);
}

// One injection writes at a time in this daemon, so two requests never interleave their
// check-then-write on the same file.
let queue: Promise<unknown> = Promise.resolve();
function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}
