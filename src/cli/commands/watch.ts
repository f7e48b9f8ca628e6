import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { SYNC_MODES, MATCH_KEYS } from '../../domain/types.js';
import { checkColumnOptions } from '../check-columns.js';
import { runService, startWatcher } from '../service.js';
import { registerWatchForget } from './watch-forget.js';

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
      await runService('watch', flags.localWorker, async ({ app, config }, onStop) => {
        if (flags.localWorker) app.startWorkers();
        const watcher = await startWatcher(app, config, dir, {
          mode: flags.mode ?? config.sync.mode,
          dryRun: false,
          matchKey: flags.matchKey ?? config.sync.matchKey,
          ...(flags.preset ? { preset: flags.preset } : {}),
          ...(flags.mapping ? { mapping: resolve(flags.mapping) } : {}),
        });
        onStop(() => watcher.close());
        console.error(`watching ${resolve(dir)}/inbox (Ctrl-C to stop)`);
      });
    });
  registerWatchForget(watch);
}
