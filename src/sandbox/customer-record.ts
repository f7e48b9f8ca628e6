/**
 * The customer as the sandbox keeps it: exactly the CustomerResponse EnKash returns (seed 001), built from
 * a create DTO and changed by PATCHes. Pure functions: ids and the clock come in as arguments.
 *
 * Absent optional values are `null`, as Jackson writes them by default.
 */
import { randomInt } from 'node:crypto';
import {
  UPDATABLE_FIELDS,
  type CustomerCreate,
  type CustomerUpdate,
  type KeyContact,
} from '../contract/enkash-api.js';

type Reminder = NonNullable<CustomerCreate['customerReminders']>[number];

export type KeyContactRecord = {
  keyContactPersonId: string;
  customerId: string;
  customerName: string;
  name: string;
  legalName: string;
  mobile: string;
  email: string | null;
  /** The seeds type `deleted` as a string in responses (a boolean in requests). */
  deleted: string;
  mail_enabled: boolean;
  sms_enabled: boolean;
  whatsapp_enabled: boolean;
  via: string | null;
  createdBy: string;
  createdOn: string;
  modifiedBy: string;
  modifiedOn: string;
};

export type ReminderRecord = {
  customerId: string;
  customerReminderId: string;
  dueDateDifference: number | null;
  reminderInterval: number | null;
  reminderTime: string | null;
  reminderType: string | null;
  stage: string | null;
};

export type Customer = {
  id: number;
  customerId: string;
  companyId: string;
  parentCompanyId: string | null;
  parentLegalName: string | null;
  legalName: string;
  uniqueRefNo: string | null;
  panOrGstin: string | null;
  accountNumber: string | null;
  ifsc: string | null;
  bankName: string | null;
  address: string | null;
  state: string | null;
  pinCode: string | null;
  contactNumber: string | null;
  contactEmail: string | null;
  active: boolean;
  assignedAgent: string | null;
  branchCodes: string[];
  customerKeyContacts: KeyContactRecord[];
  customerReminders: ReminderRecord[];
  customerLogo: string | null;
  customerCompanyId: string | null;
  externalSource: boolean | null;
  source: string | null;
  dsoMedian: number;
  netAmount: number;
  createdBy: string;
  createdByName: string;
  createdOn: string;
  modifiedBy: string;
  modifiedByName: string;
  modifiedOn: string;
  warnings: string[];
};

/** Who is calling: the EnKash user behind the token. */
export type Actor = { username: string; companyId: string };

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomCode(prefix: string, length: number): string {
  let out = prefix;
  for (let i = 0; i < length; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

/** `KC` + 14 capitals/digits: the customerId pattern of updateCustomer (seed 003). */
export const newCustomerId = (): string => randomCode('KC', 14);

export function newCustomer(
  dto: CustomerCreate,
  ids: { id: number; customerId: string },
  actor: Actor,
  now: Date,
): Customer {
  const at = now.toISOString();
  const contacts = buildContacts(dto.customerKeyContacts, [], ids.customerId, dto.legalName, actor, at);
  return {
    id: ids.id,
    customerId: ids.customerId,
    companyId: dto.companyId ?? actor.companyId,
    parentCompanyId: null,
    parentLegalName: null,
    legalName: dto.legalName,
    uniqueRefNo: dto.uniqueRefNo ?? null,
    panOrGstin: dto.panOrGstin ?? null,
    accountNumber: dto.accountNumber ?? null,
    ifsc: dto.ifsc ?? null,
    // EnKash would look the bank up from the IFSC; the sandbox has no bank directory.
    bankName: null,
    address: dto.address ?? null,
    state: dto.state ?? null,
    pinCode: dto.pinCode ?? null,
    contactNumber: dto.contactNumber ?? null,
    contactEmail: primaryEmail(contacts),
    active: true,
    assignedAgent: null,
    branchCodes: [],
    customerKeyContacts: contacts,
    customerReminders: buildReminders(dto.customerReminders ?? [], ids.customerId),
    customerLogo: null,
    customerCompanyId: dto.customerCompanyId ?? null,
    externalSource: dto.externalSource ?? null,
    source: dto.source ?? null,
    dsoMedian: 0,
    netAmount: 0,
    createdBy: actor.username,
    createdByName: actor.username,
    createdOn: at,
    modifiedBy: actor.username,
    modifiedByName: actor.username,
    modifiedOn: at,
    warnings: [],
  };
}

const SCALAR_PATCH_FIELDS = [...UPDATABLE_FIELDS, 'assignedAgent'] as const;

/**
 * JsonNullable: a field absent from `patch` is kept, `null` clears it, a value sets it. `modifiedOn` moves
 * only when something changed, as a JPA entity is only written when dirty.
 */
export function applyPatch(customer: Customer, patch: CustomerUpdate, actor: Actor, now: Date): Customer {
  const at = now.toISOString();
  const next: Customer = { ...customer };
  for (const field of SCALAR_PATCH_FIELDS) {
    if (!Object.hasOwn(patch, field)) continue;
    const value = patch[field] ?? null;
    // legalName cannot be null here: the service refuses to clear it.
    (next as Record<string, unknown>)[field] = value;
  }
  if (Object.hasOwn(patch, 'branchCodes')) next.branchCodes = patch.branchCodes ?? [];
  if (Object.hasOwn(patch, 'customerKeyContacts')) {
    next.customerKeyContacts = buildContacts(
      patch.customerKeyContacts ?? [],
      customer.customerKeyContacts,
      customer.customerId,
      next.legalName,
      actor,
      at,
    );
    next.contactEmail = primaryEmail(next.customerKeyContacts);
  }
  if (Object.hasOwn(patch, 'customerReminders')) {
    next.customerReminders = buildReminders(patch.customerReminders ?? [], customer.customerId);
  }
  return touchIfChanged(customer, next, actor, at);
}

export function setActive(customer: Customer, active: boolean, actor: Actor, now: Date): Customer {
  return touchIfChanged(customer, { ...customer, active }, actor, now.toISOString());
}

function touchIfChanged(before: Customer, after: Customer, actor: Actor, at: string): Customer {
  if (JSON.stringify(before) === JSON.stringify(after)) return before;
  return { ...after, modifiedOn: at, modifiedBy: actor.username, modifiedByName: actor.username };
}

/** A contact sent with the id of an existing one keeps that contact's id and creation stamp. */
function buildContacts(
  input: readonly KeyContact[],
  existing: readonly KeyContactRecord[],
  customerId: string,
  customerName: string,
  actor: Actor,
  at: string,
): KeyContactRecord[] {
  const byId = new Map(existing.map((c) => [c.keyContactPersonId, c]));
  return input.map((c) => {
    const previous = c.keyContactPersonId === undefined ? undefined : byId.get(c.keyContactPersonId);
    return {
      keyContactPersonId: previous?.keyContactPersonId ?? randomCode('KCP', 12),
      customerId,
      customerName,
      name: c.name,
      legalName: c.legalName,
      mobile: c.mobile,
      email: c.email ?? null,
      deleted: String(c.deleted),
      mail_enabled: c.mail_enabled ?? false,
      sms_enabled: c.sms_enabled ?? false,
      whatsapp_enabled: c.whatsapp_enabled ?? false,
      via: c.via ?? null,
      createdBy: previous?.createdBy ?? actor.username,
      createdOn: previous?.createdOn ?? at,
      modifiedBy: actor.username,
      modifiedOn: previous && sameContact(previous, c) ? previous.modifiedOn : at,
    };
  });
}

function sameContact(previous: KeyContactRecord, c: KeyContact): boolean {
  return (
    previous.name === c.name &&
    previous.legalName === c.legalName &&
    previous.mobile === c.mobile &&
    previous.email === (c.email ?? null) &&
    previous.deleted === String(c.deleted)
  );
}

function buildReminders(input: readonly Reminder[], customerId: string): ReminderRecord[] {
  return input.map((r) => ({
    customerId,
    customerReminderId: r.customerReminderId ?? randomCode('CR', 14),
    dueDateDifference: r.dueDateDifference ?? null,
    reminderInterval: r.reminderInterval ?? null,
    reminderTime: r.reminderTime ?? null,
    reminderType: r.reminderType ?? null,
    stage: r.stage ?? null,
  }));
}

/** The create DTO has no contactEmail: we take the first live key contact's e-mail. */
function primaryEmail(contacts: readonly KeyContactRecord[]): string | null {
  return contacts.find((c) => c.deleted !== 'true' && c.email)?.email ?? null;
}
