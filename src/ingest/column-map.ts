/**
 * Which column of the file feeds which EnKash field: the output of header detection, presets and mapping
 * files (src/ingest/columns/), and the input of normalisation and validation (src/ingest/validate/).
 */

/** A column of the file: its 0-based index and its header exactly as written in the file. */
export type ColumnRef = { index: number; header: string };

/** Customer-level fields a column can feed. `gstin` and `pan` both feed `panOrGstin` (GSTIN preferred). */
export const CUSTOMER_FIELDS = [
  'legalName',
  'uniqueRefNo',
  'gstin',
  'pan',
  'panOrGstin',
  'contactNumber',
  'accountNumber',
  'ifsc',
  'pinCode',
  'state',
  'customerCompanyId',
  'status',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** The parts of a key contact a column can feed. */
export const CONTACT_PARTS = ['name', 'firstName', 'lastName', 'mobile', 'email'] as const;
export type ContactPart = (typeof CONTACT_PARTS)[number];

/** One key contact's columns. `firstName` + `lastName` are joined when there is no `name` column. */
export type ContactColumns = Partial<Record<ContactPart, ColumnRef>>;

/** Where a column's reading came from, when a name, a file or a table says so; best first. */
export const KNOWN_SOURCES = ['exact', 'mapping', 'saved-mapping', 'preset', 'synonym'] as const;
export type KnownSource = (typeof KNOWN_SOURCES)[number];
/** Readings guessed from the header's words or the column's values: the plan's doubt rules weigh these. */
export const GUESS_SOURCES = ['fuzzy', 'content'] as const;
export const MATCH_SOURCES = [...KNOWN_SOURCES, ...GUESS_SOURCES] as const;
export type MatchSource = (typeof MATCH_SOURCES)[number];

/**
 * One used column's reading: `target` is a field (`uniqueRefNo`), `address`, or a contact part as
 * `contact.mobile` (contact 1) / `contact2.mobile`; `rule` says which fuzzy or content rule matched.
 */
export type ColumnMatch = ColumnRef & {
  target: string;
  source: MatchSource;
  confidence: number;
  rule?: string;
};

export type ColumnMap = {
  /** Spreadsheet row number of the header row (rows above it are a title block and are ignored). */
  headerRow: number;
  /** Every header of the header row, as written (index = column index; '' for an empty header). */
  headers: string[];
  fields: Partial<Record<CustomerField, ColumnRef>>;
  /**
   * Per-row fallbacks for a field: when the field's own column is empty in a row, the first non-empty of
   * these is used (Zoho's blank "Company Name" → "Display Name"; Tally's "Mailing Name" → "Name").
   */
  fallbacks?: Partial<Record<CustomerField, ColumnRef[]>>;
  /** Address lines, city, etc.: joined with ", " in this order into `address`. */
  address: ColumnRef[];
  /** Key contacts in order; contact 1 is the primary one. */
  contacts: ContactColumns[];
  /** Columns that feed nothing: listed as warnings. */
  unused: ColumnRef[];
  /** Values every row gets unless the file says otherwise (from a preset or mapping file). */
  defaults: { source?: 'ENKASH' | 'TALLY'; externalSource?: boolean };
  /** Extra words meaning active / inactive in the status column (presets add e.g. "Enabled"). */
  statusWords?: { active: string[]; inactive: string[] };
  /**
   * The status column names the inactive state ("Frozen", "Inactive", "Blocked"): a yes-like value (Y, Yes,
   * True, 1, an XLSX TRUE) means INACTIVE. `statusWords` already list the words the right way round.
   */
  statusInverted?: boolean;
  /** Where the map came from, for the report: `auto`, `preset:tally`, `mapping:FILE`. */
  origin: string;
  /** How each used column was matched, in column order (the reading plan shows it). */
  matches?: ColumnMatch[];
  /** Unused columns whose values look like identifiers (unique, code-like): a possible missed key. */
  identifierLike?: ColumnRef[];
};
