import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { SYNC_MODES, MATCH_KEYS } from '../../domain/types.js';
import { FolderWatcher } from '../../watch/folder-watcher.js';
import { checkColumnOptions } from '../check-columns.js';
import { startRuntime } from '../runtime.js';
import { registerWatchForget } from './watch-forget.js';
import { untilSignal } from '../../schedule/until-signal.js';

type WatchFlags = {
  mode?: (typeof SYNC_MODES)[number];
  matchKey?: (typeof MATCH_KEYS)[number];
  preset?: string;
  mapping?: string;
  localWorker: boolean;
};

export function registerWatch(program: Command): void {
  const watch = program
    .command('watch')
    .description('Import every CSV/XLSX file dropped into DIR/inbox; files end in DIR/done or DIR/failed')
    .argument('<dir>', 'the watched folder (inbox/, processing/, done/, failed/ are created inside)')
    .addOption(new Option('--mode <mode>', 'default: SYNC_MODE').choices(SYNC_MODES))
    .addOption(new Option('--match-key <field>', 'default: MATCH_KEY').choices(MATCH_KEYS))
    .option('--preset <name>', 'the files are exports of: tally, zoho-books, busy, sap-b1, marg')
    .option('--mapping <file>', 'a JSON mapping file naming the columns')
    .option('--no-local-worker', 'only submit; running `customer-sync worker` processes do the work')
    .action(async (dir: string, flags: WatchFlags) => {
      await checkColumnOptions(flags);
      const runtime = await startRuntime({
        allowEmbeddedSandbox: flags.localWorker,
        say: (l) => console.error(l),
        redisWait: 'keep-trying',
      });
      const { app, config, logger } = runtime;
      if (flags.localWorker) app.startWorkers();
      const watcher = new FolderWatcher(app, {
        dir,
        stableMs: config.watch.stableMs,
        rescanMs: config.watch.rescanMs,
        requireMarker: config.watch.requireMarker,
        importOptions: {
          mode: flags.mode ?? config.sync.mode,
          dryRun: false,
          matchKey: flags.matchKey ?? config.sync.matchKey,
          ...(flags.preset ? { preset: flags.preset } : {}),
          ...(flags.mapping ? { mapping: resolve(flags.mapping) } : {}),
        },
      });
      await watcher.start();
      console.error(`watching ${resolve(dir)}/inbox (Ctrl-C to stop)`);
      const signal = await untilSignal();
      logger.info({ event: 'watch_stopping', signal }, 'stopping');
      await watcher.close();
      await runtime.close();
    });
  registerWatchForget(watch);
}
