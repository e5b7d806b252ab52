import { createHash } from 'node:crypto';
import { csvCell, toCsv } from './csv.ts';
import { windows1252 } from './encoding.ts';
import type { FaultId } from './faults.ts';
import { replaceText, transformExportRecord } from './transforms.ts';

export interface ExportFileBody {
  readonly name: string;
  readonly dataset: string;
  readonly format: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly records: number;
}

export interface ManifestFile {
  dataset: string;
  format: string;
  mediaType: string;
  records: number;
  bytes: number;
  sha256: string;
  schema: string;
  url: string;
  generatedAt: string;
}

export const NDJSON_TYPE = 'application/x-ndjson; charset=utf-8';
export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A CSV writer that forgets RFC 4180 quoting, as hand-rolled exporters do. */
const brokenCell = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/**
 * Builds one dataset's export files, with the export faults applied the way a faulty supplier would
 * produce them. Returns the files and their manifest entries.
 */
export function buildDatasetExport(
  dataset: { id: string; schema: string; textField?: string | undefined },
  records: readonly Record<string, unknown>[],
  formats: readonly string[],
  links: { fileUrl: (name: string) => string; generatedAt: string },
  faults: ReadonlySet<FaultId>,
  extraRecords: readonly Record<string, unknown>[],
): { files: ExportFileBody[]; manifest: ManifestFile[] } {
  let rows = records.map((record) => transformExportRecord(record, faults) as Record<string, unknown>);
  if (faults.has('export-omits-records')) rows = rows.filter((_, i) => i % 10 !== 3);
  if (faults.has('export-extra-records')) rows = [...rows, ...extraRecords];
  // Every file gets at least one accented character for the Windows-1252 fault to mis-encode.
  if (faults.has('export-invalid-utf8') && rows[0])
    rows = [
      replaceText(rows[0], 'Café on the corner', dataset.textField) as Record<string, unknown>,
      ...rows.slice(1),
    ];
  const files: ExportFileBody[] = [];
  if (faults.has('export-proprietary-format-only')) {
    // Not a real workbook: a vendor blob is what matters here, not its internals.
    const bytes = Buffer.concat([
      Buffer.from('PK\u0003\u0004'),
      Buffer.from(JSON.stringify(rows), 'utf16le'),
    ]);
    files.push({
      name: `${dataset.id}.xlsx`,
      dataset: dataset.id,
      format: 'xlsx',
      mediaType: XLSX_TYPE,
      bytes,
      records: rows.length,
    });
  } else {
    for (const format of formats) {
      let text =
        format === 'csv'
          ? toCsv(rows, faults.has('export-csv-broken-quoting') ? brokenCell : csvCell)
          : rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
      if (faults.has('export-truncated-file') && format === 'ndjson' && text.length > 10) {
        text = text.slice(0, Math.floor(text.length * 0.6));
      }
      // Windows-1252-style bytes for every non-ASCII character, inside the values where real exporters put them.
      const bytes = faults.has('export-invalid-utf8') ? windows1252(text) : Buffer.from(text, 'utf8');
      files.push({
        name: `${dataset.id}.${format}`,
        dataset: dataset.id,
        format,
        mediaType: format === 'csv' ? CSV_TYPE : NDJSON_TYPE,
        bytes,
        records: rows.length,
      });
    }
  }
  const manifest = files.map((file) => ({
    dataset: file.dataset,
    format: file.format,
    mediaType: file.mediaType,
    records: file.records + (faults.has('export-manifest-count-lies') ? 7 : 0),
    // A truncated file is still announced at its full size, as a broken writer would.
    bytes:
      faults.has('export-truncated-file') && file.format === 'ndjson'
        ? Math.ceil(file.bytes.length / 0.6)
        : file.bytes.length,
    sha256: faults.has('export-manifest-checksum-lies')
      ? sha256(Buffer.from(`${file.name}:stale`))
      : sha256(file.bytes),
    schema: `/openapi.json#/components/schemas/${dataset.schema}`,
    url: links.fileUrl(file.name),
    generatedAt: links.generatedAt,
  }));
  return { files, manifest };
}
