// Child-process helpers: run a command to completion with its output streamed, find a free port.
import { spawn } from 'node:child_process';
import net from 'node:net';

/**
 * Runs a command, streaming its output, and rejects with the command's label and exit status so a
 * failure says which step broke. Resolves to the exit code (0) for symmetry with `allowFailure`.
 */
export function run(command, args, { cwd, env, label = command, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new Error(`${label}: could not start ${command}: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0 || allowFailure) resolve(code ?? 1);
      else reject(new Error(`${label} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

/** Asks the OS for a port nobody listens on, on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it resolves truthy or the deadline passes; the error names what was awaited. */
export async function waitFor(probe, { what, timeoutMs = 60_000, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}
