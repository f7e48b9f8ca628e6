/**
 * The sandbox in a process of its own, as EnKash would be: arrivals are counted by an event loop that
 * is not also running a client and the test runner. argv[2]: JSON SandboxOptions without credentials.
 * Prints `{ "url": "…" }` when listening, then answers stdin commands with one JSON line each:
 * `reset` (statistics and samples) and `report` → `{ stats, reached }`, where `reached[k]` is when the
 * request count first reached k + 1 (epoch ms, sampled every 2 ms here, next to the sandbox,
 * because the sandbox keeps no timestamps). Stops when stdin closes.
 */
import { createInterface } from 'node:readline';
import { startSandbox, type SandboxOptions } from '../../../src/sandbox/index.js';
import { CREDENTIALS } from './config.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Omit<SandboxOptions, 'credentials'>;
const sandbox = await startSandbox({ ...options, credentials: CREDENTIALS });
let reached: number[] = [];
const sampler = setInterval(() => {
  const { total } = sandbox.stats();
  while (reached.length < total) reached.push(Date.now());
}, 2);

const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
createInterface({ input: process.stdin })
  .on('line', (command) => {
    if (command === 'reset') {
      sandbox.resetStats();
      reached = [];
      reply({ ok: true });
    } else if (command === 'report') {
      reply({ stats: sandbox.stats(), reached });
    }
  })
  .on('close', () => {
    clearInterval(sampler);
    void sandbox.close().then(() => process.exit(0));
  });
reply({ url: sandbox.url });
