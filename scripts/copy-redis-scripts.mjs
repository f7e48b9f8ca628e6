// `tsc` copies only TypeScript's output: the Redis scripts (src/redis/scripts/**/*.lua) are read at run
// time from next to the module that loads them, so the build puts them beside dist/redis/redis-script.js.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../src/redis/scripts/', import.meta.url);
const to = new URL('../dist/redis/scripts/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true, filter: (src) => !/\.[^/]+$/.test(src) || src.endsWith('.lua') });
