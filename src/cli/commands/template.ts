import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';

export function registerTemplate(program: Command): void {
  program
    .command('template')
    .description('(not built yet)')
    .action(() => {
      throw new UserError('template: not built yet');
    });
}
