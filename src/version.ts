import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * package.json, found from this module: one level up from src/version.ts and dist/version.js,
 * two from the bundled entry points in dist/cli.
 */
function packageJson(): { version: string } {
  try {
    return require('../package.json') as { version: string };
  } catch {
    return require('../../package.json') as { version: string };
  }
}

/** The package version. */
export const VERSION: string = packageJson().version;
