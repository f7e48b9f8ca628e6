/**
 * One `customer-sync sync FILE --yes` process against a sandbox in a process of its own, timed as a user would:
 * from the command's start (Node starting, the engine compiling and connecting included) to its exit.
 * Its CPU time is read from the shell that ran it (`cutime` + `cstime` of /proc/<shell>/stat once the
 * command has been waited for), so nothing inside the command measures itself.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SandboxFaults } from '../../src/sandbox/types.js';
import { credentials } from '../../test/helpers/engine.js';
import { countCommands, type CommandCounts } from './redis-commands.js';
import { startSandboxProcess } from './sandbox-process.js';
import { cleanup, envFor, writeCsv, type Env } from './sync-scenario.js';

export type CommandSpec = {
  name: string;
  rows: number;
  faults: Partial<SandboxFaults>;
  env: Env;
  /** The checkout whose engine runs (the peer at an older commit); default: this one. */
  engineRoot: string;
  countCommands?: boolean;
};

export type CommandResult = {
  name: string;
  rows: number;
  exitCode: number | null;
  /** From spawn to exit. */
  wallMs: number;
  rowsPerSec: number;
  /** CPU (user + system) of the whole command, start-up included. */
  cpuMs: number;
  created: number;
  commands?: CommandCounts;
};

export async function runSyncCommand(dir: string, spec: CommandSpec): Promise<CommandResult> {
  const sandbox = await startSandboxProcess({ credentials: credentials(), faults: spec.faults });
  const env = envFor(dir, sandbox, spec.env);
  const file = join(dir, `${spec.name.replace(/\W+/g, '-')}.csv`);
  await writeCsv(file, spec.rows);
  const counter = spec.countCommands ? await countCommands(env.REDIS_PREFIX ?? '') : undefined;
  try {
    const main = join(spec.engineRoot, 'src/cli/main.ts');
    // The shell prints its children's CPU ticks (fields 16 and 17 of its stat) after the command.
    const script = `"$0" --import tsx "$1" sync "$2" --yes >/dev/null 2>&1; code=$?; cat /proc/$$/stat; exit $code`;
    const started = performance.now();
    const child = spawn('sh', ['-c', script, process.execPath, main, file], {
      cwd: spec.engineRoot,
      env: { ...process.env, ...env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - started;
    const fields = out.slice(out.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ 100
    const commands = await counter?.stop();
    return {
      name: spec.name,
      rows: spec.rows,
      exitCode,
      wallMs,
      rowsPerSec: spec.rows / (wallMs / 1000),
      cpuMs,
      created: (await sandbox.stats()).requests.create?.['200'] ?? 0,
      ...(commands ? { commands } : {}),
    };
  } finally {
    await counter?.stop();
    await sandbox.close();
    await cleanup(env);
  }
}
