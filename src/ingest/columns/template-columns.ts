/**
 * The canonical customer file: the headers `customer-sync template` writes. Every header is one the
 * generic matcher recognises (a test holds it to that), so a filled-in template needs no preset or mapping.
 */
import type { DataValidation } from 'exceljs';

export type TemplateColumn = {
  header: string;
  /** The EnKash field it feeds, for the instructions. */
  feeds: string;
  required: boolean;
  note: string;
  example: string;
  widthChars: number;
  validation?: DataValidation;
};

const length = (
  operator: 'equal' | 'between',
  min: number,
  max: number | undefined,
  error: string,
): DataValidation => ({
  type: 'textLength',
  operator,
  formulae: max === undefined ? [min] : [min, max],
  allowBlank: true,
  showErrorMessage: true,
  // A warning, not a stop: pasted values skip validation anyway, and customer-sync checks every cell.
  errorStyle: 'warning',
  error,
});

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  {
    header: 'Customer Code',
    feeds: 'uniqueRefNo',
    required: false,
    note: 'Your own code for the customer (the ERP customer code). customer-sync finds the EnKash customer by it, so keep it stable. Without it, the GSTIN or PAN is used.',
    example: 'C-00042',
    widthChars: 16,
  },
  {
    header: 'Legal Name',
    feeds: 'legalName',
    required: true,
    note: "The customer's registered name, as on its GST registration.",
    example: 'Sharma Traders Pvt Ltd',
    widthChars: 32,
  },
  {
    header: 'GSTIN',
    feeds: 'panOrGstin',
    required: false,
    note: '15 characters. Leave blank if the customer is not GST-registered.',
    example: '29ABCDE1234F1Z5',
    widthChars: 18,
    validation: length('equal', 15, undefined, 'A GSTIN has 15 characters.'),
  },
  {
    header: 'PAN',
    feeds: 'panOrGstin (when there is no GSTIN)',
    required: false,
    note: '10 characters. Used when the GSTIN is blank.',
    example: 'ABCDE1234F',
    widthChars: 13,
    validation: length('equal', 10, undefined, 'A PAN has 10 characters.'),
  },
  {
    header: 'Contact Person',
    feeds: 'customerKeyContacts[0].name',
    required: true,
    note: 'The person EnKash sends payment reminders to.',
    example: 'Ravi Sharma',
    widthChars: 22,
  },
  {
    header: 'Mobile',
    feeds: 'customerKeyContacts[0].mobile, contactNumber',
    required: true,
    note: "The contact person's 10-digit mobile number, optionally with +91.",
    example: '+91 98450 12345',
    widthChars: 16,
    validation: length('between', 10, 16, 'A mobile number has 10 digits (with +91: up to 16 characters).'),
  },
  {
    header: 'Email',
    feeds: 'customerKeyContacts[0].email',
    required: false,
    note: "The contact person's e-mail address.",
    example: 'accounts@sharmatraders.in',
    widthChars: 28,
  },
  {
    header: 'Address',
    feeds: 'address',
    required: false,
    note: 'Street address; joined with City into the EnKash address.',
    example: '12, MG Road, Indiranagar',
    widthChars: 32,
  },
  {
    header: 'City',
    feeds: 'address',
    required: false,
    note: 'City or town.',
    example: 'Bengaluru',
    widthChars: 16,
  },
  {
    header: 'State',
    feeds: 'state',
    required: false,
    note: 'State or union territory name.',
    example: 'Karnataka',
    widthChars: 16,
  },
  {
    header: 'Pincode',
    feeds: 'pinCode',
    required: false,
    note: '6 digits.',
    example: '560038',
    widthChars: 10,
    validation: { ...length('equal', 6, undefined, 'A PIN code has 6 digits.'), errorStyle: 'stop' },
  },
  {
    header: 'Bank Account Number',
    feeds: 'accountNumber',
    required: false,
    note: "The customer's bank account, 9 to 36 letters or digits. This column is Text, so Excel keeps every digit.",
    example: '50100123456789',
    widthChars: 22,
    validation: length('between', 9, 36, 'A bank account number has 9 to 36 characters.'),
  },
  {
    header: 'IFSC',
    feeds: 'ifsc',
    required: false,
    note: "11 characters: the bank's 4 letters, 0, then 6 letters or digits.",
    example: 'HDFC0001234',
    widthChars: 13,
    validation: length('equal', 11, undefined, 'An IFSC has 11 characters.'),
  },
  {
    header: 'Status',
    feeds: 'activate / deactivate',
    required: false,
    note: 'Active or Inactive. Blank: the status in EnKash is left as it is.',
    example: 'Active',
    widthChars: 10,
    validation: {
      type: 'list',
      formulae: ['"Active,Inactive"'],
      allowBlank: true,
      showErrorMessage: true,
      errorStyle: 'stop',
      error: 'Choose Active or Inactive.',
    },
  },
  {
    header: 'Contact Person 2',
    feeds: 'customerKeyContacts[1].name',
    required: false,
    note: 'A second person for reminders (optional; give a mobile with it).',
    example: 'Priya Nair',
    widthChars: 22,
  },
  {
    header: 'Mobile 2',
    feeds: 'customerKeyContacts[1].mobile',
    required: false,
    note: "The second contact's mobile number.",
    example: '9845067890',
    widthChars: 16,
    validation: length('between', 10, 16, 'A mobile number has 10 digits (with +91: up to 16 characters).'),
  },
  {
    header: 'Email 2',
    feeds: 'customerKeyContacts[1].email',
    required: false,
    note: "The second contact's e-mail address.",
    example: 'priya@sharmatraders.in',
    widthChars: 28,
  },
];
