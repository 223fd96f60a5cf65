// Public face of injection for the rest of the daemon. The HTTP routes call only these functions.
// (Stub with the agreed signatures; the implementation lands with the injection work.)
import type { Environment, InjectRequest, InjectResult, InjectTarget } from '../protocol';

/** What a target's `value` can draw on. `authorization` is absent for schemes without a header. */
export interface InjectMaterial {
  reference: string;
  secret: string;
  authorization?: string;
}

export interface InjectOptions {
  /** Write into files that git tracks and does not ignore. */
  force?: boolean;
}

export type PlannedTarget = InjectRequest['targets'][number];

/**
 * Computes every target's new text without writing anything. Returns one result per target with
 * `before`, `after` and `hash`. Throws HttpError: 400 for a path outside the workspace, a bad format
 * or an unparsable file (with line and column); 409 TRACKED_BY_GIT unless `force`; 409
 * FILE_CHANGED when a target's `expectedHash` no longer matches the file.
 */
export async function previewInjection(
  workspace: string,
  targets: PlannedTarget[],
  material: InjectMaterial,
  options: InjectOptions = {},
): Promise<InjectResult[]> {
  void workspace; void targets; void material; void options;
  throw new Error('injection not implemented yet');
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
  void workspace; void targets; void material; void options;
  throw new Error('injection not implemented yet');
}

/** Targets mapped in `<workspace>/.vscode/keysmith.json` for a service and environment; [] without that file. */
export async function mappedTargets(
  workspace: string,
  serviceId: string,
  environment: Environment,
): Promise<InjectTarget[]> {
  void workspace; void serviceId; void environment;
  return [];
}
