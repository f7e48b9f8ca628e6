/** The form fields of `POST /imports`, as one zod schema (multipart fields arrive as strings). */
import { z } from 'zod';
import { SYNC_MODES, MATCH_KEYS } from '../domain/types.js';
import { presetNames } from '../ingest/columns/index.js';

/** An HTML form sends an empty string for an untouched field: that means "not given". */
const blankAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const MAX_MAPPING_BYTES = 256 * 1024;

/** A form's yes/no field: `true`/`false` (and what checkboxes and people send); absent is false. */
const formBoolean = z.preprocess(
  blankAsUndefined,
  z
    .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'on' || v === 'yes'),
);

export const UploadFieldsSchema = z.strictObject({
  mode: z.preprocess(blankAsUndefined, z.enum(SYNC_MODES).optional()),
  dryRun: formBoolean,
  /** Hold the import for review before any write, even when its reading is not in doubt. */
  review: formBoolean,
  preset: z.preprocess(
    blankAsUndefined,
    z
      .string()
      .refine((p) => presetNames().includes(p), { message: `must be one of ${presetNames().join(', ')}` })
      .optional(),
  ),
  sheet: z.preprocess(blankAsUndefined, z.string().trim().max(100).optional()),
  matchKey: z.preprocess(blankAsUndefined, z.enum(MATCH_KEYS).optional()),
  /** A mapping file's JSON text (docs/mapping-file.md); may also come as a file part named `mapping`. */
  mapping: z.preprocess(blankAsUndefined, z.string().max(MAX_MAPPING_BYTES).optional()),
});
export type UploadFields = z.output<typeof UploadFieldsSchema>;

/** For the OpenAPI document: the multipart body as JSON Schema (fastify cannot validate it with zod). */
export const UPLOAD_BODY_DOC = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'the CSV or XLSX file (type read from content)' },
    mode: { type: 'string', enum: [...SYNC_MODES], default: 'upsert' },
    dryRun: { type: 'boolean', default: false, description: 'read EnKash, write nothing' },
    review: {
      type: 'boolean',
      default: false,
      description:
        'hold the import in needs-review before any write, even when its reading is not in doubt ' +
        '(doubt `asked`); approve, PUT mapping and cancel then work as for any held import. A dry run is never held',
    },
    preset: { type: 'string', description: 'tally, zoho-books, busy, sap-b1 or marg' },
    sheet: { type: 'string', description: 'XLSX sheet to read' },
    matchKey: { type: 'string', enum: [...MATCH_KEYS] },
    mapping: { type: 'string', description: 'mapping JSON (docs/mapping-file.md), as a field or a file' },
  },
} as const;
