/**
 * The EnKash AR customer API contract, shared by the client (which validates every response) and the
 * sandbox (which validates every request). Source: ../shared/seeds (createCustomer, searchCustomer,
 * updateCustomer, deleteCustomerByCustomerId) and ../shared/docs/enkash-api.md.
 *
 * Terminology:
 * - envelope: every customer endpoint answers `{ errorResponse, payload, response_code, response_message }`.
 * - JsonNullable (PATCH): a field absent from the body is left as it is, `null` clears it, a value sets it.
 */
import { z } from 'zod';

/**
 * Patterns exactly as the seeds print them. EnKash validates them with Java Bean Validation `@Pattern`,
 * which calls `Matcher.matches()`: the pattern must match the WHOLE value. Read as a JavaScript regex,
 * `^$|^(GSTIN)?|(PAN)$` accepts any string (the middle alternative matches the empty prefix), so every
 * pattern goes through {@link javaMatches}.
 */
export const SEED_PATTERNS = {
  panOrGstin:
    '^$|^(([0][1-9]|[1-2][0-9]|[3][0-7])[A-Za-z]{3}[ABCFGHLJPTKabcfghljptk][A-Za-z]\\d{4}[A-Za-z][A-Za-z0-9][Zz][A-Za-z0-9])?|([A-Za-z]{3}[ABCFGHLJPTKEabcfghljptke][A-Za-z]\\d{4}[A-Za-z])$',
  contactNumber: '^$|^((\\+|00)(\\d{1,3})[\\s-]?)?(\\d{10})$',
  mobile: '^$|^((\\+|00)(\\d{1,3})[\\s-]?)?(\\d{10})$',
  accountNumber: '^$|^[A-Za-z0-9]{9,36}$',
  ifsc: '^$|^[A-Za-z]{4}0[A-Z0-9a-z]{6}$',
  pinCode: '^$|^[0-9]{6}$',
  companyId: '^CEK[A-Z0-9]{7}$',
  customerId: '^KC[A-Z0-9]{14}$',
  email:
    '(?:[a-zA-Z0-9!#$%&\'*+/=?^_`{|}~-]+(?:\\.[a-zA-Z0-9!#$%&\'*+/=?^_`{|}~-]+)*|"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x21\\x23-\\x5b\\x5d-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])*")@(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?|\\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[a-zA-Z0-9-]*[a-zA-Z0-9]:(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x21-\\x5a\\x53-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])+)\\])',
} as const;

export type PatternName = keyof typeof SEED_PATTERNS;

/** A Java `String.matches(pattern)` in JavaScript: the whole value must match. */
export function javaMatches(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

export const PATTERNS: Record<PatternName, RegExp> = Object.fromEntries(
  Object.entries(SEED_PATTERNS).map(([name, source]) => [name, javaMatches(source)]),
) as Record<PatternName, RegExp>;

const patterned = (name: PatternName) =>
  z.string().regex(PATTERNS[name], { message: `must match ${SEED_PATTERNS[name]}` });

// ---------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------

export const KeyContactSchema = z.object({
  name: z.string().min(1),
  mobile: patterned('mobile').min(1),
  legalName: z.string().min(1),
  deleted: z.boolean(),
  email: patterned('email').optional(),
  keyContactPersonId: z.string().optional(),
  mail_enabled: z.boolean().optional(),
  sms_enabled: z.boolean().optional(),
  whatsapp_enabled: z.boolean().optional(),
  via: z.string().optional(),
});
export type KeyContact = z.infer<typeof KeyContactSchema>;

export const ReminderSchema = z.object({
  customerReminderId: z.string().optional(),
  dueDateDifference: z.number().int().optional(),
  reminderInterval: z.number().int().optional(),
  reminderTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .optional(),
  reminderType: z.enum(['ONCE', 'RECURRING']).optional(),
  stage: z.string().optional(),
});

export const CUSTOMER_SOURCES = ['ENKASH', 'TALLY'] as const;

/** createCustomer body (`POST /api/v0/customer`). */
export const CustomerCreateSchema = z.object({
  legalName: z.string().min(1),
  customerKeyContacts: z.array(KeyContactSchema).min(1),
  uniqueRefNo: z.string().optional(),
  panOrGstin: patterned('panOrGstin').optional(),
  contactNumber: patterned('contactNumber').optional(),
  accountNumber: patterned('accountNumber').optional(),
  ifsc: patterned('ifsc').optional(),
  pinCode: patterned('pinCode').optional(),
  companyId: patterned('companyId').optional(),
  address: z.string().optional(),
  state: z.string().optional(),
  customerCompanyId: z.string().optional(),
  externalSource: z.boolean().optional(),
  source: z.enum(CUSTOMER_SOURCES).optional(),
  customerReminders: z.array(ReminderSchema).optional(),
});
export type CustomerCreate = z.infer<typeof CustomerCreateSchema>;

/** The scalar fields customer-sync compares and PATCHes (the JsonNullable fields of updateCustomer). */
export const UPDATABLE_FIELDS = [
  'legalName',
  'uniqueRefNo',
  'panOrGstin',
  'contactNumber',
  'accountNumber',
  'ifsc',
  'pinCode',
  'address',
  'state',
] as const;
export type UpdatableField = (typeof UPDATABLE_FIELDS)[number];

/** updateCustomer body (`PATCH /api/v0/customer/{customerId}`): absent = keep, null = clear. */
export const CustomerUpdateSchema = z.object({
  legalName: z.string().min(1).nullable().optional(),
  uniqueRefNo: z.string().nullable().optional(),
  panOrGstin: patterned('panOrGstin').nullable().optional(),
  contactNumber: patterned('contactNumber').nullable().optional(),
  accountNumber: patterned('accountNumber').nullable().optional(),
  ifsc: patterned('ifsc').nullable().optional(),
  pinCode: patterned('pinCode').nullable().optional(),
  address: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  assignedAgent: z.string().nullable().optional(),
  branchCodes: z.array(z.string()).nullable().optional(),
  customerId: z.string().nullable().optional(),
  customerKeyContacts: z.array(KeyContactSchema).nullable().optional(),
  customerReminders: z.array(ReminderSchema).nullable().optional(),
});
export type CustomerUpdate = z.infer<typeof CustomerUpdateSchema>;

export const CUSTOMER_STATUSES = ['ACTIVE', 'INACTIVE', 'ALL'] as const;

/** searchCustomer body (`POST /api/v0/customer/search?limit&offset&orderBy&direction`). */
export const CustomerSearchSchema = z.object({
  uniqueRefNo: z.string().optional(),
  panOrGstin: z.string().optional(),
  legalName: z.string().optional(),
  customerIds: z.array(z.string()).optional(),
  customerStatus: z.enum(CUSTOMER_STATUSES).optional(),
  companyId: z.string().optional(),
  parentCompanyId: z.string().optional(),
  accountNumber: z.string().optional(),
  contactNumber: z.string().optional(),
  ifsc: z.string().optional(),
});
export type CustomerSearch = z.infer<typeof CustomerSearchSchema>;

export const SEARCH_PAGE_MAX = 5000;

export const SearchQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  orderBy: z.string().optional(),
  direction: z.enum(['ASC', 'DESC']).optional(),
});

// ---------------------------------------------------------------------------------------------------
// Responses: tolerant of unknown fields (EnKash may add any), strict about the fields we rely on.
// ---------------------------------------------------------------------------------------------------

export const ERROR_TYPES = [
  'CLIENT_REQUEST_ABORT',
  'CLIENT_REQUEST_ERROR',
  'INVALID_ACCESS',
  'RECORD_NOT_FOUND',
  'SYSTEM_ERROR',
  'UNAUTHORIZED',
  'UNKNOWN_ERROR',
  'UNPROCESSABLE_REQUEST',
  'VALIDATION_ERROR',
] as const;
export type EnkashErrorType = (typeof ERROR_TYPES)[number];

/**
 * The fields of `ApiSubError` are not published. We assume the Spring convention
 * (`object`, `field`, `rejectedValue`, `message`) and accept anything else.
 */
export const ApiSubErrorSchema = z.looseObject({
  object: z.string().nullish(),
  field: z.string().nullish(),
  rejectedValue: z.unknown().optional(),
  message: z.string().nullish(),
});
export type ApiSubError = z.infer<typeof ApiSubErrorSchema>;

export const ErrorResponseSchema = z.looseObject({
  apiSubErrors: z.array(ApiSubErrorSchema).nullish(),
  errorMessage: z.string().nullish(),
  // A string, not the enum: an unknown errorType must not make a valid error answer unreadable.
  errorType: z.string().nullish(),
  requestId: z.string().nullish(),
  timestamp: z.string().nullish(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

export const KeyContactResponseSchema = z.looseObject({
  keyContactPersonId: z.string().nullish(),
  customerId: z.string().nullish(),
  name: z.string().nullish(),
  customerName: z.string().nullish(),
  mobile: z.string().nullish(),
  email: z.string().nullish(),
  // The seeds type `deleted` as a string in responses and a boolean in requests.
  deleted: z.union([z.boolean(), z.string()]).nullish(),
  mail_enabled: z.boolean().nullish(),
  sms_enabled: z.boolean().nullish(),
  whatsapp_enabled: z.boolean().nullish(),
  createdOn: z.string().nullish(),
  modifiedOn: z.string().nullish(),
});

export const CustomerResponseSchema = z.looseObject({
  id: z.number().nullish(),
  customerId: z.string(),
  companyId: z.string().nullish(),
  parentCompanyId: z.string().nullish(),
  legalName: z.string().nullish(),
  uniqueRefNo: z.string().nullish(),
  panOrGstin: z.string().nullish(),
  accountNumber: z.string().nullish(),
  ifsc: z.string().nullish(),
  bankName: z.string().nullish(),
  address: z.string().nullish(),
  state: z.string().nullish(),
  pinCode: z.string().nullish(),
  contactNumber: z.string().nullish(),
  contactEmail: z.string().nullish(),
  active: z.boolean().nullish(),
  customerKeyContacts: z.array(KeyContactResponseSchema).nullish(),
  createdOn: z.string().nullish(),
  modifiedOn: z.string().nullish(),
  warnings: z.array(z.string()).nullish(),
});
export type CustomerResponse = z.infer<typeof CustomerResponseSchema>;

export const SearchPayloadSchema = z.looseObject({
  data: z.array(CustomerResponseSchema).nullish(),
  recordsCount: z.number().nullish(),
});

export function envelopeSchema<T extends z.ZodType>(payload: T) {
  return z.looseObject({
    errorResponse: ErrorResponseSchema.nullish(),
    payload: payload.nullish(),
    response_code: z.number().nullish(),
    response_message: z.string().nullish(),
  });
}

/**
 * The AR token page shows no response; EnKash's other token pages use two spellings. Accept both and
 * normalise to one shape.
 */
export const TokenResponseSchema = z
  .looseObject({
    access_token: z.string().optional(),
    accessToken: z.string().optional(),
    token_type: z.string().optional(),
    tokenType: z.string().optional(),
    expires_in: z.coerce.number().optional(),
    expiresIn: z.coerce.number().optional(),
    refresh_token: z.string().optional(),
    refreshToken: z.string().optional(),
  })
  .transform((t, ctx) => {
    const accessToken = t.access_token ?? t.accessToken;
    if (!accessToken) {
      ctx.addIssue({ code: 'custom', message: 'token response has neither access_token nor accessToken' });
      return z.NEVER;
    }
    return {
      accessToken,
      tokenType: t.token_type ?? t.tokenType ?? 'bearer',
      expiresInSec: t.expires_in ?? t.expiresIn ?? 86_399,
    };
  });

export const API_PATHS = {
  token: '/oauth/token',
  create: '/api/v0/customer',
  search: '/api/v0/customer/search',
  update: '/api/v0/customer/{customerId}',
  activate: '/api/v0/customer/activate/{customerId}',
  /** Not published (enkash-api.md): by symmetry with activate; configurable as ENKASH_DEACTIVATE_PATH. */
  deactivate: '/api/v0/customer/deactivate/{customerId}',
  delete: '/api/v0/customer/{customerId}',
} as const;

/** What a client does with EnKash, one name per endpoint: the names metrics and logs use. */
export type Operation = keyof typeof API_PATHS;
export const OPERATIONS = Object.keys(API_PATHS) as readonly Operation[];

export function fillPath(template: string, customerId: string): string {
  return template.replace('{customerId}', encodeURIComponent(customerId));
}
