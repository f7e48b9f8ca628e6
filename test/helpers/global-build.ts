/**
 * Vitest globalSetup: the suite's own JavaScript copy of src/, so the many tests that start
 * `customer-sync` as a real process run it with plain node instead of through tsx's loader, which
 * costs each process about a second of CPU more (2.2 s against 1.0 s for `--version`). esbuild does
 * what tsx does (type stripping, file by file, no bundling), once per run instead of once per process.
 *
 * The copy lives under node_modules/.cache so that its bare imports resolve to the project's
 * node_modules; it carries package.json (ESM, and the version `--version` reads) and every non-.ts file
 * of src (Redis scripts, the web page). Every run builds its own copy and removes it at the end: two
 * runs side by side (the unit suite and the reliability suite) never share one.
 */
import { build } from 'esbuild';
import { copyFile, cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, TEST_BUILD_ENV } from './cli-command.js';

export default async function buildForTests(): Promise<() => Promise<void>> {
  const cache = join(REPO_ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const out = await mkdtemp(join(cache, 'customer-sync-test-'));
  const src = join(REPO_ROOT, 'src');
  const entryPoints = (await readdir(src, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(src, f));
  await build({
    entryPoints,
    outdir: join(out, 'src'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  await cp(src, join(out, 'src'), { recursive: true, filter: (from) => !from.endsWith('.ts') });
  await copyFile(join(REPO_ROOT, 'package.json'), join(out, 'package.json'));
  process.env[TEST_BUILD_ENV] = out;
  return async () => {
    await rm(out, { recursive: true, force: true });
  };
}
