/**
 * Corrections to a reading, as `header → field` (null: ignore the column): from `--map "HEADER=field"`,
 * from `PUT /imports/{id}/mapping`, and from a saved mapping profile. They are turned into a mapping file
 * (./mapping-file.ts) so one code path applies them all.
 */
import { UserError } from '../../domain/errors.js';
import {
  CONTACT_PARTS,
  CUSTOMER_FIELDS,
  type ContactPart,
  type CustomerField,
  type MatchSource,
} from '../column-map.js';
import type { ContactSpec, MappingFile } from './mapping-file.js';
import { headerKey } from './normalise-header.js';

/** header as written → field name, or null to leave the column unused. */
export type ColumnOverrides = Record<string, string | null>;

const MAX_CONTACTS = 9;

/** Every field name `--map` and the mapping endpoint accept. */
export const OVERRIDE_FIELDS: readonly string[] = [
  ...CUSTOMER_FIELDS,
  'address',
  ...CONTACT_PARTS.map((p) => `contact.${p}`),
  ...Array.from({ length: MAX_CONTACTS - 1 }, (_, i) =>
    CONTACT_PARTS.map((p) => `contact${i + 2}.${p}`),
  ).flat(),
];

const FIELD_SET = new Set(OVERRIDE_FIELDS);

export function isOverrideField(field: string): boolean {
  return FIELD_SET.has(field);
}

/** `--map "Acct Cd=uniqueRefNo"`, `--map "Remarks=-"`: split at the last `=`, headers may hold one. */
export function parseMapArgument(arg: string): [string, string | null] {
  const at = arg.lastIndexOf('=');
  const header = at > 0 ? arg.slice(0, at).trim() : '';
  const field = at > 0 ? arg.slice(at + 1).trim() : '';
  if (header === '' || field === '') {
    throw new UserError(`--map "${arg}": write --map "HEADER=field" (field "-" ignores the column)`);
  }
  if (field === '-') return [header, null];
  if (!isOverrideField(field)) throw new UserError(unknownField(`--map "${arg}"`, field));
  return [header, field];
}

export function unknownField(where: string, field: string): string {
  return (
    `${where}: "${field}" is not a field; use one of ${CUSTOMER_FIELDS.join(', ')}, address, ` +
    'contact.name, contact.mobile, contact.email (contact2.mobile … for further contacts), or "-" to ignore'
  );
}

/** The overrides as a mapping file; `autoDetect` false for a saved profile, which is the whole reading. */
export function overridesToMapping(
  overrides: ColumnOverrides,
  options: { source: MatchSource; autoDetect: boolean; name: string },
): MappingFile {
  const columns: MappingFile['columns'] = {};
  const byField = new Map<CustomerField, string[]>();
  const address: string[] = [];
  const contacts: ContactSpec[] = [];
  const ignore: string[] = [];
  const sources: Record<string, MatchSource> = {};
  for (const [header, field] of Object.entries(overrides)) {
    sources[headerKey(header)] = options.source;
    if (field === null) {
      ignore.push(header);
      continue;
    }
    const contact = /^contact(\d?)\.(\w+)$/.exec(field);
    if (contact) {
      const n = contact[1] ? Number(contact[1]) - 1 : 0;
      while (contacts.length <= n) contacts.push({});
      const slot = contacts[n];
      if (slot) slot[contact[2] as ContactPart] = header;
    } else if (field === 'address') address.push(header);
    else if ((CUSTOMER_FIELDS as readonly string[]).includes(field)) {
      const list = byField.get(field as CustomerField) ?? [];
      list.push(header);
      byField.set(field as CustomerField, list);
    } else throw new UserError(unknownField(`column "${header}"`, field));
  }
  for (const [field, headers] of byField)
    columns[field] = headers.length === 1 ? (headers[0] ?? null) : headers;
  if (address.length > 0) columns.address = address;
  if (contacts.length > 0) columns.contacts = contacts;
  return {
    autoDetect: options.autoDetect,
    columns,
    ignore,
    defaults: {},
    fileName: options.name,
    sources,
  };
}

/**
 * A mapping file with corrections on top: the file decides what it names ("--mapping FILE still wins");
 * the corrections fill in the rest.
 */
export function withOverrides(
  file: MappingFile | undefined,
  extra: MappingFile | undefined,
): MappingFile | undefined {
  if (!file || !extra) return file ?? extra;
  const columns = { ...extra.columns, ...file.columns };
  return {
    ...file,
    columns,
    ignore: [...file.ignore, ...extra.ignore],
    sources: { ...extra.sources, ...file.sources },
  };
}
