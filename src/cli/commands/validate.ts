import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('(not built yet)')
    .action(() => {
      throw new UserError('validate: not built yet');
    });
}
