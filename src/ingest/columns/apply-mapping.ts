/**
 * A mapping file applied to one header row: every column it names is looked up in the file, and every
 * name that is not there is reported at once, with the headers that are.
 */
import { UserError } from '../../domain/errors.js';
import { CONTACT_PARTS, type ColumnRef, type ContactColumns, type CustomerField } from '../column-map.js';
import { CUSTOMER_FIELDS } from '../column-map.js';
import type { ColumnSpec, ContactSpec, MappingFile } from './mapping-file.js';
import { matchHeader, type MatchIndex } from './match-header.js';
import { columnIndex, columnLetter, headerKey } from './normalise-header.js';
import { emptySelection, type Selection } from './select-columns.js';
import type { Target } from './targets.js';
import { quoteHeaders } from './no-columns-error.js';

export type MappedColumns = {
  selection: Selection;
  /** Targets the mapping decides (null included): detection must leave them alone. */
  decided: Set<Target | 'contacts'>;
  ignored: Set<number>;
};

type Context = { headers: readonly string[]; headerRow: number; fileName: string; index: MatchIndex };

export function applyMapping(mapping: MappingFile, ctx: Context): MappedColumns {
  const problems: string[] = [];
  const resolve = (spec: ColumnSpec, path: string, target?: Target): ColumnRef | undefined => {
    const ref = resolveSpec(spec, ctx.headers);
    if (!ref)
      problems.push(`  ${path}: ${describeSpec(spec)} is not in the file${suggestion(spec, target, ctx)}`);
    return ref;
  };
  const selection = emptySelection();
  const decided = new Set<Target | 'contacts'>();
  const { columns } = mapping;

  for (const field of CUSTOMER_FIELDS) {
    const spec = columns[field];
    if (spec === undefined) continue;
    decided.add(field);
    const refs = (Array.isArray(spec) ? spec : spec === null ? [] : [spec])
      .map((s, i) => resolve(s, `columns.${field}${Array.isArray(spec) ? `[${i}]` : ''}`, field))
      .filter((r): r is ColumnRef => r !== undefined);
    setField(selection, field, refs);
  }
  if (columns.address !== undefined) {
    decided.add('address');
    const specs =
      columns.address === null ? [] : Array.isArray(columns.address) ? columns.address : [columns.address];
    selection.address = specs
      .map((s, i) => resolve(s, `columns.address[${i}]`, 'address'))
      .filter((r): r is ColumnRef => r !== undefined);
  }
  if (columns.contacts !== undefined) {
    decided.add('contacts');
    selection.contacts = (columns.contacts ?? []).map((c, i) =>
      resolveContact(c, `columns.contacts[${i}]`, resolve),
    );
  }
  if (mapping.statusInverted !== undefined) selection.statusInverted = mapping.statusInverted;
  const ignored = new Set<number>();
  mapping.ignore.forEach((spec, i) => {
    const ref = resolve(spec, `ignore[${i}]`);
    if (ref) ignored.add(ref.index);
  });
  if (problems.length > 0) throw notInFileError(mapping, problems, ctx);
  return { selection, decided, ignored };
}

function setField(selection: Selection, field: CustomerField, refs: ColumnRef[]): void {
  const [first, ...rest] = refs;
  if (first) selection.fields[field] = first;
  if (rest.length > 0) selection.fallbacks[field] = rest;
}

function resolveContact(
  spec: ContactSpec,
  path: string,
  resolve: (spec: ColumnSpec, path: string, target?: Target) => ColumnRef | undefined,
): ContactColumns {
  const contact: ContactColumns = {};
  for (const part of CONTACT_PARTS) {
    const partSpec = spec[part];
    if (partSpec === undefined) continue;
    const ref = resolve(partSpec, `${path}.${part}`, `contact.${part}`);
    if (ref) contact[part] = ref;
  }
  return contact;
}

/**
 * A header as written wins over one equal only once normalised ("GST No." vs "gst no"); a letter may
 * point past the last header, since readers drop trailing empty header cells.
 */
export function resolveSpec(spec: ColumnSpec, headers: readonly string[]): ColumnRef | undefined {
  if (typeof spec !== 'string') {
    const index = columnIndex(spec.letter);
    if (index === undefined) return undefined;
    const header = headers[index] ?? '';
    return { index, header: header === '' ? `Column ${columnLetter(index)}` : header };
  }
  const exact = headers.indexOf(spec.trim());
  const key = headerKey(spec);
  const index = exact >= 0 ? exact : headers.findIndex((h) => h !== '' && headerKey(h) === key);
  return index >= 0 ? { index, header: headers[index] ?? '' } : undefined;
}

function describeSpec(spec: ColumnSpec): string {
  return typeof spec === 'string' ? `"${spec}"` : `column ${spec.letter.toUpperCase()}`;
}

/** A header the matcher would have used for the same target, else one whose name contains the spec's. */
function suggestion(spec: ColumnSpec, target: Target | undefined, ctx: Context): string {
  if (typeof spec !== 'string') return '';
  const key = headerKey(spec);
  const byTarget = target
    ? ctx.headers.find((h) => h !== '' && matchHeader(h, ctx.index).some((c) => c.target === target))
    : undefined;
  const byName = ctx.headers.find(
    (h) =>
      headerKey(h).length >= 3 &&
      key.length >= 3 &&
      (headerKey(h).includes(key) || key.includes(headerKey(h))),
  );
  const hint = byTarget ?? byName;
  return hint ? ` (did you mean "${hint}"?)` : '';
}

function notInFileError(mapping: MappingFile, problems: string[], ctx: Context): UserError {
  const name = mapping.fileName ?? 'mapping file';
  const count = problems.length === 1 ? 'a column' : `${problems.length} columns`;
  return new UserError(
    `${name}: ${count} named in the mapping ${problems.length === 1 ? 'is' : 'are'} not in ${ctx.fileName}:\n` +
      `${problems.join('\n')}\nHeaders in row ${ctx.headerRow}: ${quoteHeaders(ctx.headers)}`,
  );
}
