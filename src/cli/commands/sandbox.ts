/**
 * `customer-sync sandbox`: run the local EnKash sandbox in the foreground until Ctrl+C. Defaults come from
 * the configuration (SANDBOX_*, ENKASH_* credentials); options override them.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { SANDBOX_DEFAULTS, loadConfig } from '../../config.js';
import { UserError } from '../../domain/errors.js';
import { createLogger } from '../../logger.js';
import { defaultStateFile, sandboxOptionsFromConfig, startSandbox } from '../../sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js';
import { parseRateSchedule, type RateStep } from '../../sandbox/rate-schedule.js';

const share = z.coerce.number().min(0).max(1);
const wholeMs = z.coerce.number().int().min(0);

const CliOptionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  state: z.string().min(1).optional(),
  memory: z.boolean().optional(),
  rateLimit: z.coerce.number().min(0).optional(),
  rateLimitSchedule: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseRateSchedule(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  latency: wholeMs.optional(),
  jitter: wholeMs.optional(),
  failureRate: share.optional(),
  hangCreateRate: share.optional(),
  tokenTtl: z.coerce.number().int().min(1).optional(),
  uniqueRefNo: z.boolean().optional(),
});
type CliOptions = z.infer<typeof CliOptionsSchema>;

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('Run a local EnKash AR sandbox (a fake of the customer API) until Ctrl+C.')
    .option('--port <n>', 'port to listen on; 0 = any free port (default: SANDBOX_PORT, 4010)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--state <file>', 'JSON file the customers are kept in (default: <STATE_DIR>/sandbox-state.json)')
    .option('--memory', 'keep customers in memory only: they are gone when the sandbox stops')
    .option('--rate-limit <perSec>', 'requests per second per account before 429s; 0 = no limit')
    .option(
      '--rate-limit-schedule <steps>',
      'change the rate limit while running: RATE@WHEN, comma-separated, WHEN from the start (e.g. 50@20s,200@35s)',
    )
    .option('--latency <ms>', 'added to every answer')
    .option('--jitter <ms>', 'extra latency drawn uniformly from [0, ms]')
    .option('--failure-rate <share>', 'share (0..1) of customer requests answered 500/502/503')
    .option('--hang-create-rate <share>', 'share (0..1) of creates that commit and then never answer')
    .option('--token-ttl <sec>', 'lifetime of access tokens')
    .option('--unique-ref-no', 'refuse a second customer with the same uniqueRefNo (422)')
    .action(async (raw: Record<string, unknown>) => {
      await runSandbox(parseOptions(raw));
    });
}

function parseOptions(raw: Record<string, unknown>): CliOptions {
  const parsed = CliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`);
    throw new UserError(`sandbox: ${problems.join('; ')}`);
  }
  if (parsed.data.state && parsed.data.memory)
    throw new UserError('sandbox: use --state or --memory, not both');
  return parsed.data;
}

async function runSandbox(cli: CliOptions): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'sandbox' });
  const options = applyCliOptions(sandboxOptionsFromConfig(config, logger), cli, config.paths.stateDir);
  const sandbox = await startSandbox(options);
  console.log(banner(sandbox, options));
  const signal = await nextStopSignal();
  await sandbox.close();
  console.log(
    `sandbox stopped (${signal})${options.stateFile ? `; customers saved in ${options.stateFile}` : ''}`,
  );
}

function applyCliOptions(base: SandboxOptions, cli: CliOptions, stateDir: string): SandboxOptions {
  const stateFile = cli.memory ? undefined : (cli.state ?? base.stateFile ?? defaultStateFile(stateDir));
  const faults = { ...base.faults };
  if (cli.rateLimit !== undefined) faults.ratePerSec = cli.rateLimit;
  if (cli.latency !== undefined) faults.latencyMs = cli.latency;
  if (cli.jitter !== undefined) faults.jitterMs = cli.jitter;
  if (cli.failureRate !== undefined) faults.failureRate = cli.failureRate;
  if (cli.hangCreateRate !== undefined) faults.hangCreateRate = cli.hangCreateRate;
  const { stateFile: _ignored, ...rest } = base;
  const schedule: RateStep[] | undefined = cli.rateLimitSchedule ?? base.rateSchedule;
  return {
    ...rest,
    ...(schedule ? { rateSchedule: schedule } : {}),
    ...(stateFile !== undefined ? { stateFile } : {}),
    port: cli.port ?? base.port ?? 0,
    host: cli.host ?? base.host ?? '127.0.0.1',
    tokenTtlSec: cli.tokenTtl ?? base.tokenTtlSec,
    uniqueRefNo: cli.uniqueRefNo ?? base.uniqueRefNo,
    faults,
  };
}

/** What a newcomer needs to point customer-sync (or curl) at the sandbox. */
export function banner(sandbox: Sandbox, options: SandboxOptions): string {
  const c = options.credentials;
  // Print only the sandbox's own made-up secrets; real ones set in the environment stay off the screen.
  const secret = (value: string, fallback: string, variable: string) =>
    value === fallback ? value : `(as set in ${variable})`;
  const f = sandbox.faults();
  return [
    `EnKash sandbox listening on ${sandbox.url}`,
    `  customers:      ${options.stateFile ?? 'in memory (lost on stop)'}`,
    `  client id:      ${c.clientId}`,
    `  client secret:  ${secret(c.clientSecret, SANDBOX_DEFAULTS.ENKASH_CLIENT_SECRET, 'ENKASH_CLIENT_SECRET')}`,
    `  username:       ${c.username}`,
    `  password:       ${secret(c.password, SANDBOX_DEFAULTS.ENKASH_PASSWORD, 'ENKASH_PASSWORD')}`,
    `  company id:     ${c.companyId}`,
    ...scheduleLine(options.rateSchedule),
    `  faults:         rate limit ${f.ratePerSec || 'none'}/s, latency ${f.latencyMs}+${f.jitterMs} ms, ` +
      `failure rate ${f.failureRate}, hang-create rate ${f.hangCreateRate}`,
    '',
    'Point customer-sync at it (in the shell you run it from):',
    `  export ENKASH_BASE_URL=${sandbox.url}`,
    '',
    `Statistics: curl ${sandbox.url}/__sandbox/stats`,
    'Press Ctrl+C to stop.',
  ].join('\n');
}

function scheduleLine(steps: RateStep[] | undefined): string[] {
  if (!steps || steps.length === 0) return [];
  const text = steps.map((s) => `${s.ratePerSec || 'none'}/s after ${s.afterMs / 1000} s`).join(', then ');
  return [`  rate changes:   ${text} (POST /__sandbox/rate-limit to change it by hand)`];
}

function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
