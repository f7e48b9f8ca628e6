import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('(not built yet)')
    .action(() => {
      throw new UserError('sync: not built yet');
    });
}
