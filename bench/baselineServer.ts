// The verify baseline: a bare node:http server doing only the essential work of a verify — read the
// JSON body, SHA-256 the key, look the hash up in a Map, answer JSON of the same shape as the daemon's.
// No Host/Origin/token checks, no validation, no rules, no usage recording: everything the daemon does
// beyond this is its overhead, which is what the ratio shows. Run in its own process, like the daemon:
//   node --import tsx bench/baselineServer.ts <hashes.json>
// It prints `{"port":N}` on stdout once listening and stops on SIGTERM.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BaselineEntry {
  keyId: string;
  serviceId: string;
  environment: string;
  permissions: string[];
}

function main(hashesFile: string): void {
  const entries = JSON.parse(readFileSync(hashesFile, 'utf8')) as Array<[string, BaselineEntry]>;
  const byHash = new Map(entries);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let answer: object = { valid: false, code: 'MALFORMED' };
      try {
        const { key } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: unknown };
        if (typeof key === 'string') {
          const entry = byHash.get(createHash('sha256').update(key, 'utf8').digest('hex'));
          answer = entry ? { valid: true, ...entry } : { valid: false, code: 'UNKNOWN' };
        }
      } catch {
        // answer stays MALFORMED
      }
      const text = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

const hashesFile = process.argv[2];
if (!hashesFile) {
  console.error('usage: node --import tsx bench/baselineServer.ts <hashes.json>');
  process.exit(2);
}
main(hashesFile);
