/**
 * Mapping files (`--mapping FILE`, format in docs/mapping-file.md): a JSON file that says which column
 * feeds which field, for files no preset recognises or where the guess is wrong. Everything it names
 * overrides detection; fields it leaves out are still detected unless `"autoDetect": false`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';
import { CUSTOMER_SOURCES } from '../../contract/enkash-api.js';
import { CUSTOMER_FIELDS, type MatchSource } from '../column-map.js';
import { presetNames } from './presets.js';

const COLUMN_SPEC_HINT = 'expected a header as written in the file ("Party Name") or {"letter": "C"}';

/** A header as written in the file, or an Excel column letter for a blank or repeated header. */
export const ColumnSpecSchema = z.union(
  [
    z.string().trim().min(1),
    z.strictObject({
      letter: z
        .string()
        .regex(/^[A-Za-z]{1,3}$/, { error: 'expected an Excel column letter such as "C" or "AB"' }),
    }),
  ],
  { error: COLUMN_SPEC_HINT },
);
export type ColumnSpec = z.infer<typeof ColumnSpecSchema>;

/** One column; several = the first non-empty per row; null = never fill this field. */
const FieldSpecSchema = z.union([ColumnSpecSchema, z.array(ColumnSpecSchema).min(1), z.null()], {
  error: `${COLUMN_SPEC_HINT}, a list of them, or null`,
});

const ContactSpecSchema = z.strictObject({
  name: ColumnSpecSchema.optional(),
  firstName: ColumnSpecSchema.optional(),
  lastName: ColumnSpecSchema.optional(),
  mobile: ColumnSpecSchema.optional(),
  email: ColumnSpecSchema.optional(),
});
export type ContactSpec = z.infer<typeof ContactSpecSchema>;

const ColumnsSchema = z.strictObject({
  ...Object.fromEntries(CUSTOMER_FIELDS.map((field) => [field, FieldSpecSchema.optional()])),
  address: z.union([ColumnSpecSchema, z.array(ColumnSpecSchema), z.null()]).optional(),
  contacts: z.array(ContactSpecSchema).nullable().optional(),
}) as z.ZodType<MappingColumns>;

export type FieldSpec = ColumnSpec | ColumnSpec[] | null;
export type MappingColumns = { [F in (typeof CUSTOMER_FIELDS)[number]]?: FieldSpec } & {
  address?: ColumnSpec | ColumnSpec[] | null;
  contacts?: ContactSpec[] | null;
};

export const MappingFileSchema = z.strictObject({
  description: z.string().optional(),
  preset: z.enum(presetNames() as [string, ...string[]]).optional(),
  sheet: z.string().min(1).optional(),
  headerRow: z.number().int().min(1).optional(),
  autoDetect: z.boolean().default(true),
  columns: ColumnsSchema.default({}),
  ignore: z.array(ColumnSpecSchema).default([]),
  defaults: z
    .strictObject({ source: z.enum(CUSTOMER_SOURCES).optional(), externalSource: z.boolean().optional() })
    .default({}),
  statusWords: z
    .strictObject({
      active: z.array(z.string().min(1)).default([]),
      inactive: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  statusInverted: z.boolean().optional(),
});

export type MappingFile = z.output<typeof MappingFileSchema> & {
  /** The mapping file's name, for messages and the column map's origin. */
  fileName?: string;
  /** headerKey → where that column's reading came from (corrections, saved profiles); default `mapping`. */
  sources?: Record<string, MatchSource>;
};

/** Parses and validates a mapping file's text; every problem is reported at once. */
export function parseMappingFile(text: string, fileName: string): MappingFile {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UserError(`${fileName} is not valid JSON: ${jsonErrorWhere(err, text)}`);
  }
  const parsed = MappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issuePath(issue.path)}: ${issueMessage(issue)}`);
    throw new UserError(
      `${fileName} is not a valid mapping file:\n${lines.join('\n')}\nThe format is described in docs/mapping-file.md.`,
    );
  }
  return { ...parsed.data, fileName };
}

export async function loadMappingFile(path: string): Promise<MappingFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `mapping file not found: ${path}` : `cannot read mapping file ${path}: ${code}`,
    );
  }
  return parseMappingFile(text, basename(path));
}

/** `columns.contacts[0].mobile`; `(top level)` for the file itself. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

const ALLOWED_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(MappingFileSchema.shape),
  columns: [...CUSTOMER_FIELDS, 'address', 'contacts'],
  contact: ['name', 'firstName', 'lastName', 'mobile', 'email'],
  defaults: ['source', 'externalSource'],
  statusWords: ['active', 'inactive'],
};

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const last = issue.path.at(-1);
  const where = typeof last === 'number' ? 'contact' : String(last ?? '');
  const allowed = ALLOWED_KEYS[where];
  const keys = issue.keys.map((k) => `"${k}"`).join(', ');
  return `unknown key ${keys}${allowed ? `; allowed here: ${allowed.join(', ')}` : ''}`;
}

/** V8 says "at position N": turn it into a line and column a user can find. */
function jsonErrorWhere(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} (line ${line}, column ${column})`;
}
