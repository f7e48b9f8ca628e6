#!/usr/bin/env node
// The published entry point runs the compiled CLI (npm ci runs `prepare`, which builds dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('customer-sync: dist/ is missing; run `npm ci` (or `npm run build`) first.');
  process.exit(2);
}
await import(main.href);
