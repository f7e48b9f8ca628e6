/**
 * The sandbox of bench/sync in a process of its own, as EnKash is: the bench process's own work (writing
 * the file, submitting, sampling) must not stall the sandbox's event loop and so bunch the arrival times it
 * stamps (a 150 ms stall stamped a paced 50/s as 59 in one second). Started by sandbox-process.ts with its
 * options as JSON in argv[2]; prints `{"url": …}` once listening, stops on SIGTERM.
 */
import { startSandbox } from '../../src/sandbox/index.js';
import type { SandboxOptions } from '../../src/sandbox/types.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox({ ...options, port: 0 });
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
process.once('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
