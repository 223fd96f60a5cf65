// File work yields the CPU to verify: the injection thread lowers its own scheduling priority, so on a
// busy machine (two cores, a load of verify calls) the kernel gives verify's event loop the core first,
// and the injection still gets every cycle nobody else wants. Linux only: there a thread has its own
// nice value, and /proc/thread-self names the thread's id; elsewhere the worker keeps normal priority.
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

// "Below normal" (nice 10) rather than the lowest: under a long build on every core an injection still
// moves at a tenth of a core, instead of next to nothing.
export const INJECTION_PRIORITY = constants.priority.PRIORITY_BELOW_NORMAL;

/** Lowers the calling thread's priority; returns its thread id, or undefined where that is not possible. */
export function lowerThisThreadPriority(): number | undefined {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(threadId) || threadId <= 0) return undefined;
    setPriority(threadId, INJECTION_PRIORITY);
    return threadId;
  } catch {
    return undefined; // no /proc (macOS, Windows) or refused: normal priority, still off the event loop
  }
}
