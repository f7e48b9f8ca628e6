/**
 * How a test starts `customer-sync` as a real process: `node <argv>`. Inside the suite that is the
 * suite's JavaScript copy of src (global-build.ts); run any other way (a script, a single file through
 * another config) it is src itself through tsx's loader, found by path so that the CLI also runs from
 * folders that have no node_modules.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where global-build.ts tells the test processes its copy is. */
export const TEST_BUILD_ENV = 'CUSTOMER_SYNC_TEST_BUILD';

/** Node's arguments that run `customer-sync ARGS`. */
export function cliArgv(args: string[]): string[] {
  const built = process.env[TEST_BUILD_ENV];
  if (built) return [join(built, 'src/cli/main.js'), ...args];
  return [
    '--import',
    join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'),
    join(REPO_ROOT, 'src/cli/main.ts'),
    ...args,
  ];
}
