import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { csvCell, toCsv } from './csv.ts';
import { windows1252 } from './encoding.ts';
import type { FaultId } from './faults.ts';
import { replaceText, transformExportRecord } from './transforms.ts';

interface ExportFileFacts {
  readonly name: string;
  readonly dataset: string;
  readonly format: string;
  readonly mediaType: string;
  readonly records: number;
}

/** An export file held in memory (a mock's) or written to disk (a server's, of any size). */
type InMemoryExportFile = ExportFileFacts & { readonly bytes: Buffer };
export type ExportFileBody =
  | InMemoryExportFile
  | (ExportFileFacts & { readonly path: string; readonly size: number });

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

/** A record as it was a week ago: its modification time and its free text both older. */
function staleCopy(row: Record<string, unknown>): Record<string, unknown> {
  const stamp = row.modified_at;
  if (typeof stamp !== 'string' || Number.isNaN(Date.parse(stamp))) return row;
  return {
    ...row,
    modified_at: new Date(Date.parse(stamp) - 7 * 86_400_000).toISOString().replace('.000Z', 'Z'),
  };
}

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
): { files: InMemoryExportFile[]; manifest: ManifestFile[] } {
  let rows = records.map((record) => transformExportRecord(record, faults) as Record<string, unknown>);
  if (faults.has('export-omits-records')) rows = rows.filter((_, i) => i % 10 !== 3);
  if (faults.has('export-extra-records')) rows = [...rows, ...extraRecords];
  // Every file gets at least one accented character for the Windows-1252 fault to mis-encode.
  if (faults.has('export-invalid-utf8') && rows[0])
    rows = [
      replaceText(rows[0], 'Café on the corner', dataset.textField) as Record<string, unknown>,
      ...rows.slice(1),
    ];
  const files: InMemoryExportFile[] = [];
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
      // The CSV writer of this fault works from an old cache that lost some rows: the NDJSON writer does not.
      const csvRows = faults.has('export-csv-omits-records')
        ? rows.filter((_, i) => i % 10 !== 4).map((row) => staleCopy(row))
        : rows;
      let text =
        format === 'csv'
          ? toCsv(csvRows, faults.has('export-csv-broken-quoting') ? brokenCell : csvCell)
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
        records: format === 'csv' ? csvRows.length : rows.length,
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

/**
 * Writes one dataset's export files to `directory` as its records stream in, one pass for every format, and
 * returns them with their manifest entries (counts, sizes and SHA-256 worked out on the way). Memory stays
 * flat however many records there are. CSV columns are given up front, since the header comes first.
 */
export async function writeDatasetExportFiles(
  dataset: { id: string; schema: string },
  records: AsyncIterable<Record<string, unknown>>,
  formats: readonly string[],
  columns: readonly string[],
  directory: string,
  links: { fileUrl: (name: string) => string; generatedAt: string },
): Promise<{ files: ExportFileBody[]; manifest: ManifestFile[] }> {
  mkdirSync(directory, { recursive: true });
  const writers = formats.map((format) => {
    const name = `${dataset.id}.${format}`;
    const path = join(directory, name);
    return { format, name, path, out: createWriteStream(path), hash: createHash('sha256'), size: 0 };
  });
  const write = async (writer: (typeof writers)[number], text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    writer.hash.update(bytes);
    writer.size += bytes.length;
    if (!writer.out.write(bytes)) await once(writer.out, 'drain');
  };
  let count = 0;
  try {
    for (const writer of writers)
      if (writer.format === 'csv') await write(writer, `${columns.map((c) => csvCell(c)).join(',')}\r\n`);
    for await (const record of records) {
      count += 1;
      for (const writer of writers) {
        await write(
          writer,
          writer.format === 'csv'
            ? `${columns.map((column) => csvCell(record[column])).join(',')}\r\n`
            : `${JSON.stringify(record)}\n`,
        );
      }
    }
  } finally {
    await Promise.all(writers.map((writer) => closeWriter(writer.out)));
  }
  const files: ExportFileBody[] = writers.map((writer) => ({
    name: writer.name,
    dataset: dataset.id,
    format: writer.format,
    mediaType: writer.format === 'csv' ? CSV_TYPE : NDJSON_TYPE,
    records: count,
    path: writer.path,
    size: writer.size,
  }));
  const manifest = writers.map((writer) => ({
    dataset: dataset.id,
    format: writer.format,
    mediaType: writer.format === 'csv' ? CSV_TYPE : NDJSON_TYPE,
    records: count,
    bytes: writer.size,
    sha256: writer.hash.digest('hex'),
    schema: `/openapi.json#/components/schemas/${dataset.schema}`,
    url: links.fileUrl(writer.name),
    generatedAt: links.generatedAt,
  }));
  return { files, manifest };
}

async function closeWriter(out: WriteStream): Promise<void> {
  out.end();
  await finished(out);
}
