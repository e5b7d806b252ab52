import { formatPounds } from '@council-conform/contracts';
import type { StoredContract } from './contracts-store.ts';
import { csvCell, LICENCE } from './open-data.ts';
import { CLAUSE_COUNT, type LeagueRow } from './store.ts';

/**
 * A council's contracts register is published under the Local Government Transparency Code 2015, which asks
 * for it under the Open Government Licence v3.0; each row says so, with the register it came from. The
 * conformance columns are the league table's, under the same licence.
 */
const REGISTER_LICENCE = LICENCE;

const COLUMNS = [
  'council_code',
  'council_name',
  'contract_reference',
  'title',
  'description',
  'organisational_unit',
  'start_date',
  'end_date',
  'review_date',
  'value_gbp',
  'supplier_name',
  'supplier_company_number',
  'sme',
  'vcse',
  'system_type',
  'product',
  'product_supplier',
  'level',
  'certificate',
  'clauses_passed',
  'clauses_total',
  'matched_by',
  'product_page',
  'source',
  'source_publisher',
  'licence',
  'licence_url',
  'imported_at',
] as const;
type Column = (typeof COLUMNS)[number];

const flag = (value: boolean | null) => (value === null ? null : value ? 'yes' : 'no');

function record(
  contract: StoredContract,
  standing: LeagueRow | undefined,
): Record<Column, string | number | null> {
  return {
    council_code: contract.council.code,
    council_name: contract.council.name,
    contract_reference: contract.reference,
    title: contract.title,
    description: contract.description,
    organisational_unit: contract.organisationalUnit,
    start_date: contract.startDate,
    end_date: contract.endDate,
    review_date: contract.reviewDate,
    value_gbp: contract.valuePence === null ? null : formatPounds(contract.valuePence),
    supplier_name: contract.supplierName,
    supplier_company_number: contract.companyNumber,
    sme: flag(contract.sme),
    vcse: flag(contract.vcse),
    system_type: contract.systemType,
    product: contract.productName,
    product_supplier: contract.supplierDisplayName,
    level: standing?.level ?? null,
    certificate: standing ? (standing.expired ? 'expired' : standing.status) : null,
    clauses_passed: standing?.clausesMet ?? null,
    clauses_total: standing ? CLAUSE_COUNT : null,
    matched_by: contract.matchedBy ?? (contract.decision === 'system-type' ? 'reviewed' : null),
    product_page: contract.productId ? `/products/${contract.productId}` : null,
    source: contract.source,
    source_publisher: `${contract.council.name} council (${contract.council.code}), contracts register`,
    licence: REGISTER_LICENCE.name,
    licence_url: REGISTER_LICENCE.url,
    imported_at: contract.importedAt,
  };
}

type Standings = ReadonlyMap<string, LeagueRow>;
const standingOf = (contract: StoredContract, standings: Standings) =>
  contract.productId ? standings.get(contract.productId) : undefined;

/** RFC 4180, CRLF line ends, every cell neutralised against formula injection as the league table's are. */
export function contractsCsv(contracts: readonly StoredContract[], standings: Standings): string {
  const lines = [COLUMNS.join(',')];
  for (const contract of contracts) {
    const values = record(contract, standingOf(contract, standings));
    lines.push(COLUMNS.map((column) => csvCell(values[column] ?? '')).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function contractsJson(
  contracts: readonly StoredContract[],
  standings: Standings,
  generatedAt: Date,
): string {
  return `${JSON.stringify(
    {
      title: 'Council contracts for systems Council Conform certifies, with how the products bought score',
      publisher: 'LOTI (London Office of Technology and Innovation)',
      licence: REGISTER_LICENCE,
      licenceNote:
        'Each row is from a council’s own contracts register, published under the Local Government Transparency Code 2015 and re-used under the Open Government Licence v3.0; its source and publisher are on the row. The conformance columns (product, level, certificate, clauses) are the Council Conform league table, under the same licence.',
      generatedAt: generatedAt.toISOString(),
      clausesTotal: CLAUSE_COUNT,
      contracts: contracts.map((contract) => record(contract, standingOf(contract, standings))),
    },
    null,
    2,
  )}\n`;
}
