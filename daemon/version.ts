// The daemon's version, from package.json (bundled in by esbuild).
import packageJson from '../package.json';

export const DAEMON_VERSION: string = packageJson.version;
