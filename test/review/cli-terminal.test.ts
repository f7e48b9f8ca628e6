/**
 * `sync` on a terminal: a reading in doubt shows the plan and asks. Run for real under a pseudo-terminal
 * (`script`), answering as a person would: "n" leaves the import held (exit 3, nothing written); "y"
 * approves it and the rows are written with their codes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli-command.js';
import { REPO_ROOT } from '../helpers/engine.js';
import { useCliSession } from '../helpers/cli-session.js';

const cs = useCliSession({
  name: 'cs-terminal-',
  env: (sandbox) => ({ ENKASH_BASE_URL: sandbox.url }),
  timeoutMs: 120_000,
});
const PROMPT = 'Write with this reading? [y/N]';

/** Runs `customer-sync ARGS` on a pseudo-terminal; types `answer` + Enter when the question appears. */
function onTerminal(
  args: string[],
  answer: string,
): Promise<{ code: number | null; output: string; asked: number }> {
  const command = ['node', ...cliArgv(args)].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      // The question is for a person at a terminal; CI=true (a CI runner) would never be asked.
      CI: 'false',
      ...cs.env(),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let asked = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const seen = output.split(PROMPT).length - 1;
    if (seen > asked) {
      asked = seen;
      child.stdin.write(`${answer}\r`);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, asked });
    });
  });
}

function quote(arg: string): string {
  return /^[\w./=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const codes = () => cs.sandbox.customers().map((c) => c.uniqueRefNo ?? '');
const FILE = join(REPO_ROOT, 'fixtures/review/clerk-debtors.csv');

describe('customer-sync sync on a terminal: a reading in doubt is shown and asked about', () => {
  it('answered "n": held for review, exit 3, nothing written', async () => {
    const run = await onTerminal(['sync', FILE], 'n');
    expect(run.asked).toBe(1);
    expect(run.output).toContain('Reading plan for clerk-debtors.csv');
    expect(run.output).toContain('key-guessed');
    expect(run.output).toContain('held for review, nothing written');
    expect(run.code).toBe(3);
    expect(cs.sandbox.customers()).toHaveLength(0);
  });

  it('answered "y": the import continues and the rows are written with their codes', async () => {
    const run = await onTerminal(['sync', FILE], 'y');
    expect(run.asked).toBe(1);
    expect(run.output).not.toContain('held for review');
    expect(run.output).toContain('created 4, invalid 1');
    // The repeated DR-101 is refused as a duplicate (exit 1), not created twice.
    expect(run.code).toBe(1);
    expect(codes().sort()).toEqual(['DR-101', 'DR-102', 'DR-103', 'DR-104']);
  });
});
