import type { DatasetQuality, IdentifierQuality, RunReport } from '@council-conform/runner';

const IDENTIFIER_NAME: Readonly<Record<IdentifierQuality['kind'], string>> = {
  uprn: 'UPRN (property)',
  usrn: 'USRN (street)',
  gss: 'GSS code (area)',
};

const number = (n: number) => n.toLocaleString('en-GB');

/**
 * A share as a whole percentage, rounded down so that anything short of all is never shown as 100%, and
 * anything more than none never as 0%.
 */
export function share(part: number, whole: number): string {
  if (whole <= 0) return '–';
  if (part >= whole) return '100%';
  const percent = Math.floor((part * 100) / whole);
  return part > 0 && percent === 0 ? 'under 1%' : `${percent}%`;
}

/** `3,632 of 4,097 (88%)`. */
const ofWhole = (part: number, whole: number) =>
  `${number(part)} of ${number(whole)} (${share(part, whole)})`;

/** One line of a dataset's data quality table: what is measured, and what was found, in plain words. */
export interface QualityRow {
  readonly measure: string;
  readonly found: string;
}

/** The rows every format shows for one dataset, in the same words. */
export function dataQualityRows(dataset: DatasetQuality): QualityRow[] {
  const rows: QualityRow[] = [{ measure: 'Records read', found: number(dataset.recordsRead) }];
  for (const identifier of dataset.identifiers) {
    const carried = `${ofWhole(identifier.present, dataset.recordsRead)} records carry one`;
    rows.push({
      measure: `${IDENTIFIER_NAME[identifier.kind]}, field ${identifier.field}`,
      found:
        identifier.present > 0
          ? `${carried}; ${ofWhole(identifier.valid, identifier.present)} of those are valid`
          : carried,
    });
  }
  rows.push({
    measure: 'Dates that parse',
    found:
      dataset.dates.values > 0
        ? `${ofWhole(dataset.dates.parsed, dataset.dates.values)} dates are RFC 3339 dates`
        : 'no dates in these records',
  });
  rows.push({
    measure: 'Fields filled',
    found:
      dataset.filled.values > 0
        ? `${ofWhole(dataset.filled.filled, dataset.filled.values)} of the schema’s fields across the records hold a value`
        : 'no fields to fill',
  });
  return rows;
}

/** What the figures are, said once above them in every format. */
export function dataQualityIntro(report: RunReport): string {
  const datasets = report.dataQuality?.datasets.length ?? 0;
  return `Counted from the records this run read of ${datasets} dataset${datasets === 1 ? '' : 's'}: how many carry the identifiers that join council data to national registers (UPRN, USRN, GSS code) and how many of those are valid, how many dates parse, and how many of the schema’s fields hold a value. This is information for the council, not part of the verdict: it changes no check and no level.`;
}
