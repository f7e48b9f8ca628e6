/**
 * Key contacts. EnKash requires at least one, with a name and a mobile number (createCustomer,
 * CustomerKeyContactCreateDTO); each carries the customer's legal name and `deleted: false`.
 *
 * Decisions where the brief was silent:
 * - Contact 1 (primary) must have a mobile number: without one the row is invalid.
 * - A contact with a mobile but no name (no name column, or an empty cell) is named after the customer's
 *   legal name, with a warning: small businesses often list only the owner's phone.
 * - Contacts 2, 3… with no mobile are skipped with a warning (the customer is still correct without
 *   them); a mobile that is present but wrong is an error, like any other bad cell.
 */
import type { KeyContact } from '../../contract/enkash-api.js';
import type { ContactColumns } from '../column-map.js';
import type { CompiledMap, ContactFields } from './compiled-map.js';
import { checkPattern } from './pattern-guard.js';
import type { RowReader } from './row-reader.js';

const PRIMARY_MOBILE = 'customerKeyContacts[0].mobile';

export function readContacts(r: RowReader, m: CompiledMap, legalName: string): KeyContact[] {
  const groups = m.map.contacts;
  const contacts: KeyContact[] = [];
  if (groups.length === 0) {
    r.fail(
      undefined,
      PRIMARY_MOBILE,
      '',
      'no column holds a contact mobile number; EnKash needs a key contact with a mobile for every customer',
    );
    return contacts;
  }
  for (let i = 0; i < groups.length; i++) {
    const contact = readContact(r, groups[i]!, m.contactFields[i]!, i, legalName);
    if (contact !== undefined) contacts.push(contact);
  }
  return contacts;
}

function readContact(
  r: RowReader,
  cols: ContactColumns,
  fields: ContactFields,
  index: number,
  legalName: string,
): KeyContact | undefined {
  const name = readName(r, cols, fields.name);
  const mobile = r.read(cols.mobile, 'mobile', fields.mobile);
  const email = r.read(cols.email, 'email', fields.email);
  if (mobile === '') {
    noMobile(r, cols, fields, index, name ?? '', email ?? '');
    return undefined;
  }
  if (name === undefined || mobile === undefined || email === undefined) return undefined;
  let contactName = name;
  if (contactName === '') {
    contactName = legalName;
    // No name column: the note points at the contact's mobile, where the user sees the contact.
    const nameColumn = cols.name ?? cols.firstName;
    const [column, field] = nameColumn ? [nameColumn, fields.name] : [cols.mobile, fields.mobile];
    r.warn(column, field, '', `no contact name for contact ${index + 1}; the customer name is used instead`);
  }
  const contact: KeyContact = { name: contactName, mobile, legalName, deleted: false };
  checkPattern(r, cols.mobile, fields.mobile, 'mobile', mobile);
  if (email !== '') contact.email = email;
  return contact;
}

function noMobile(
  r: RowReader,
  cols: ContactColumns,
  fields: ContactFields,
  index: number,
  name: string,
  email: string,
): void {
  const column = cols.mobile;
  if (index === 0) {
    const need = 'EnKash needs a mobile number for the key contact of every customer';
    const text = r.textOf(cols.mobile);
    const problem =
      cols.mobile === undefined
        ? `no column holds the contact's mobile number; ${need}`
        : `${text === '' ? 'is empty' : 'counts as empty'}; ${need}`;
    r.fail(column, fields.mobile, text, problem);
  } else if (name !== '' || email !== '') {
    const who = name === '' ? email : name;
    r.warn(
      column,
      fields.mobile,
      '',
      `contact ${index + 1} (${who}) skipped: no mobile number, which EnKash requires`,
    );
  }
}

/** The name column, or first and last name joined with a space. */
function readName(r: RowReader, cols: ContactColumns, field: string): string | undefined {
  if (cols.name !== undefined) return r.read(cols.name, 'contactName', field);
  const first = r.read(cols.firstName, 'contactName', field);
  const last = r.read(cols.lastName, 'contactName', field);
  if (first === undefined || last === undefined) return undefined;
  return first === '' ? last : last === '' ? first : `${first} ${last}`;
}
