// Entry point of the injection worker thread (bundled as dist/injectWorker.js). Reading, parsing,
// planning and writing config files happens here, so a huge or adversarial file costs this thread's
// time and never the event loop that answers verify. One call at a time: the pool gives a worker a new
// call only once it has replied.
import { parentPort } from 'node:worker_threads';
import * as injector from '../index';
import type { InjectMaterial } from '../targetChanges';
import { sendableError, type InjectCall, type InjectReply } from './messages';
import { lowerThisThreadPriority } from './threadPriority';

if (!parentPort) throw new Error('injectWorker runs as a worker thread only.');
const port = parentPort;
lowerThisThreadPriority();

/** The secrets a call carries, so that no error leaving this thread can quote them. */
function secretsOf(call: InjectCall): string[] {
  if (call.operation === 'mappedTargets') return [];
  const material = call.args[2] as InjectMaterial | undefined;
  return [material?.secret ?? '', material?.authorization ?? ''];
}

/** An apply tells the pool when it starts writing: from then on its deadline no longer applies. */
function argsOf(call: InjectCall): unknown[] {
  if (call.operation !== 'applyInjection') return call.args;
  const [workspace, targets, material, options] = call.args as [unknown, unknown, unknown, injector.InjectOptions | undefined];
  const writing: InjectReply = { id: call.id, writing: true };
  return [workspace, targets, material, { ...options, onWriting: () => port.postMessage(writing) }];
}

port.on('message', async (call: InjectCall) => {
  let reply: InjectReply;
  try {
    const run = injector[call.operation] as (...args: unknown[]) => Promise<unknown>;
    reply = { id: call.id, ok: true, value: await run(...argsOf(call)) };
  } catch (error) {
    reply = { id: call.id, ok: false, error: sendableError(error, secretsOf(call)) };
  }
  port.postMessage(reply);
});
