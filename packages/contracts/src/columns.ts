/**
 * The columns of the LGA Contracts schema (Local Government Transparency Code 2015, "contracts register")
 * that Council Conform reads. Registers out there spell headers in many ways ("Contract reference number",
 * "ContractReferenceNumber", "Reference"), so each field is found by any of its names, compared without case,
 * spaces or punctuation. Other columns of the schema (CPV codes, Proclass, contact points...) are not needed
 * here and are ignored.
 */
export const REGISTER_FIELDS = [
  'reference',
  'title',
  'description',
  'organisationalUnit',
  'startDate',
  'endDate',
  'reviewDate',
  'value',
  'supplierName',
  'companyNumber',
  'sme',
  'vcse',
] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

export interface RegisterColumn {
  readonly field: RegisterField;
  /** The header the LGA's template writes, and the one the synthetic registers use. */
  readonly label: string;
  /** Other headers councils use for the same thing. */
  readonly aliases: readonly string[];
  readonly required: boolean;
}

export const REGISTER_COLUMNS: readonly RegisterColumn[] = [
  {
    field: 'reference',
    label: 'Contract reference number',
    aliases: ['Reference number', 'Contract reference', 'Reference', 'Contract number', 'Contract ID'],
    required: true,
  },
  { field: 'title', label: 'Title', aliases: ['Contract title', 'Title of agreement'], required: true },
  {
    field: 'description',
    label: 'Description',
    aliases: ['Contract description', 'Short description'],
    required: false,
  },
  {
    field: 'organisationalUnit',
    label: 'Organisational unit',
    aliases: ['Department', 'Directorate', 'Service area', 'Responsible unit'],
    required: false,
  },
  { field: 'startDate', label: 'Start date', aliases: ['Contract start date'], required: false },
  {
    field: 'endDate',
    label: 'End date',
    aliases: ['Contract end date', 'Contract current end date'],
    required: true,
  },
  { field: 'reviewDate', label: 'Review date', aliases: ['Contract review date'], required: false },
  {
    field: 'value',
    label: 'Value',
    aliases: ['Contract value', 'Total value', 'Value of contract', 'Contract award value'],
    required: false,
  },
  { field: 'supplierName', label: 'Supplier name', aliases: ['Supplier', 'Vendor'], required: true },
  {
    field: 'companyNumber',
    label: 'Supplier registered company number',
    aliases: [
      'Supplier company number',
      'Company number',
      'Companies House number',
      'Company registration number',
    ],
    required: false,
  },
  { field: 'sme', label: 'SME', aliases: ['SME supplier', 'Supplier is SME', 'Is SME'], required: false },
  {
    field: 'vcse',
    label: 'VCSE',
    aliases: ['VCSE supplier', 'Supplier is VCSE', 'Is VCSE'],
    required: false,
  },
];

export const headerKey = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

const BY_KEY = new Map<string, RegisterColumn>(
  REGISTER_COLUMNS.flatMap((column) =>
    [column.label, ...column.aliases].map((name) => [headerKey(name), column] as const),
  ),
);

export const columnOfHeader = (header: string): RegisterColumn | undefined => BY_KEY.get(headerKey(header));

export const columnOf = (field: RegisterField): RegisterColumn =>
  REGISTER_COLUMNS.find((column) => column.field === field) as RegisterColumn;
