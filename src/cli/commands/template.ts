import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import {
  buildTemplateWorkbook,
  INSTRUCTIONS_SHEET,
  templateCsv,
  templateHeaders,
  templateNotes,
} from '../../ingest/columns/template.js';

const FORMATS = ['xlsx', 'csv'] as const;
type Format = (typeof FORMATS)[number];

type TemplateFlags = { format?: Format; out?: string; force?: boolean };

export function registerTemplate(program: Command): void {
  program
    .command('template')
    .description('Write a blank customer file with the headers customer-sync recognises')
    .addOption(new Option('--format <format>', 'file type (default: from --out, else xlsx)').choices(FORMATS))
    .option('--out <file>', 'where to write (default: customer-template.xlsx in the current folder)')
    .option('--force', 'overwrite the file if it exists')
    .action(async (flags: TemplateFlags) => {
      const format = flags.format ?? formatOf(flags.out) ?? 'xlsx';
      const out = resolve(flags.out ?? `customer-template.${format}`);
      const content =
        format === 'csv' ? templateCsv() : Buffer.from(await buildTemplateWorkbook().xlsx.writeBuffer());
      await writeNew(out, content, flags.force === true);
      const columns = `${templateHeaders().length} columns`;
      if (format === 'csv') {
        console.log(`wrote ${out} (${columns})\n${templateNotes()}`);
      } else {
        console.log(`wrote ${out} (${columns}; what each takes is on the "${INSTRUCTIONS_SHEET}" sheet)`);
      }
    });
}

function formatOf(path: string | undefined): Format | undefined {
  const ext = path ? extname(path).slice(1).toLowerCase() : '';
  return (FORMATS as readonly string[]).includes(ext) ? (ext as Format) : undefined;
}

/** 'wx' fails on an existing file: a template never silently replaces a filled-in customer list. */
async function writeNew(path: string, content: string | Buffer, force: boolean): Promise<void> {
  try {
    await writeFile(path, content, { flag: force ? 'w' : 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`${path} exists; use --force to overwrite it`);
    if (code === 'ENOENT') throw new UserError(`cannot write ${path}: its folder does not exist`);
    throw err;
  }
}
