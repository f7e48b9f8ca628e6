import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('(not built yet)')
    .action(() => {
      throw new UserError('sandbox: not built yet');
    });
}
