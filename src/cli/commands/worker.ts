import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('(not built yet)')
    .action(() => {
      throw new UserError('worker: not built yet');
    });
}
