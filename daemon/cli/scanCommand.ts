// `keysmith scan [paths] [--staged] [--json]`: lists every Keysmith key in the files git would commit,
// named and dated by the daemon through their hashes, and exits 2 when one of them is live (see
// scanFindings.ts for what blocks). `--gitleaks-config` prints a gitleaks rule instead.
import type { ParsedArgs } from '../args';
import { gitleaksConfig } from './gitleaksConfig';
import { findingOf, type Finding } from './scanFindings';
import { lookupHashes } from './scanLookup';
import { scanStaged, scanWorkingTree, type ScannedFile } from './scanSources';
import { MAX_SCANNED_BYTES } from './scanContent';
import { textTable } from './textTable';

/** Exit status when a live key sits in a file git carries (1 stays "usage or daemon error"). */
export const EXIT_LIVE_KEY = 2;

export async function scanCommand(args: ParsedArgs, dataDir: string, json: boolean): Promise<void> {
  if (args.flags.has('gitleaks-config')) return void process.stdout.write(await gitleaksConfig(dataDir));
  const paths = args.positionals.slice(1);
  const cwd = process.cwd();
  const files = args.flags.has('staged') ? await scanStaged(cwd, paths) : await scanWorkingTree(cwd, paths);

  const found = files.filter((file) => file.verdict.kind === 'text' && file.verdict.keys.length > 0);
  const keysOf = (file: ScannedFile) => (file.verdict.kind === 'text' ? file.verdict.keys : []);
  const lookup = await lookupHashes(dataDir, [...new Set(found.flatMap((file) => keysOf(file).map((key) => key.hash)))]);
  const findings: Finding[] = found.flatMap((file) =>
    keysOf(file).map((key) => findingOf(file.path, file.git, key, lookup.views.get(key.hash))),
  );
  const tooLarge = files.filter((file) => file.verdict.kind === 'tooLarge').map((file) => file.path);
  const binary = files.filter((file) => file.verdict.kind === 'binary').length;
  const blocking = findings.filter((finding) => finding.blocks).length;

  if (json) {
    const daemon = lookup.unreachable === undefined ? (found.length > 0 ? 'asked' : 'not needed') : 'unreachable';
    console.log(JSON.stringify({ findings, blocking, scannedFiles: files.length, skipped: { binary, tooLarge }, daemon }, null, 2));
  } else {
    printReport(findings, files.length, binary, tooLarge, lookup.unreachable === undefined);
  }
  if (lookup.unreachable !== undefined) {
    console.error(`keysmith scan: could not ask the daemon which keys these are, so their state is "unknown": ${lookup.unreachable}`);
  }
  if (blocking > 0) {
    console.error(
      `keysmith scan: ${blocking} live Keysmith key${blocking === 1 ? '' : 's'} in files git tracks, has staged or would add. ` +
        'Move each to a git-ignored file (git rm --cached the tracked one), or revoke it, then try again.',
    );
    process.exitCode = EXIT_LIVE_KEY;
  }
}

function printReport(
  findings: readonly Finding[],
  scanned: number,
  binary: number,
  tooLarge: readonly string[],
  daemonAnswered: boolean,
): void {
  if (findings.length === 0) console.log(`No Keysmith keys in ${scanned} file${scanned === 1 ? '' : 's'}.`);
  else {
    console.log(
      textTable([
        ['FILE:LINE:COL', 'KEY', 'SERVICE', 'ENV', 'STATE', 'VALUE', 'GIT', 'COMMIT'],
        ...findings.map((f) => [
          `${f.file}:${f.line}:${f.column}`,
          f.key?.name ?? (daemonAnswered ? '(not in this store)' : '(daemon unreachable)'),
          f.key?.serviceId ?? f.prefix,
          f.environment,
          f.state,
          f.masked,
          f.git,
          f.blocks ? 'BLOCKED' : f.git === 'ignored' || f.git === 'outside' ? '-' : 'ok',
        ]),
      ]),
    );
  }
  const skipped = [
    binary > 0 ? `${binary} binary` : '',
    tooLarge.length > 0 ? `${tooLarge.length} over ${MAX_SCANNED_BYTES / 1024 / 1024} MiB (${tooLarge.join(', ')})` : '',
  ].filter(Boolean);
  if (skipped.length > 0) console.log(`Skipped ${skipped.join(' and ')} file(s).`);
}
