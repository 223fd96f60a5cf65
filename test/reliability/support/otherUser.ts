// Making a file or folder "another user's". As root (containers, CI) the file is really handed to
// `nobody`; otherwise no process may give a file away, so the current process is told it is someone else
// (process.getuid stubbed): the same ownership check runs against the same real file either way.
import { chown } from 'node:fs/promises';
import sinon from 'sinon';

export const NOBODY = 65534;

/** Makes `paths` belong to another user for this process; returns the undo. In-process readers only. */
export async function ownedByAnotherUser(...paths: string[]): Promise<() => void> {
  if (process.getuid?.() === 0) {
    for (const path of paths) await chown(path, NOBODY, NOBODY);
    return () => undefined;
  }
  const realUid = process.getuid!();
  const stub = sinon.stub(process, 'getuid').returns(realUid + 1);
  return () => stub.restore();
}
