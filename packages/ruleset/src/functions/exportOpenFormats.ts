import { contentOf, operationsOf, responsesOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';
import { EXPORT_OPERATIONS } from './bulkExport.ts';

const NDJSON = /^application\/(x-)?ndjson$|^application\/jsonl$/;
const CSV = /^text\/csv$/;
/** Open, documented formats an export file may also come in. */
const OPEN =
  /^(application\/(json|geo\+json|[\w.-]+\+json|zip|gzip)|text\/csv|application\/(x-)?ndjson|application\/jsonl)$/;

/** A redirect to where the file is (Council API Baseline 1.1 §11: a pre-signed URL, on any origin). */
const REDIRECT = /^30[237]$/;

/**
 * Exported files come in open formats anyone can load elsewhere: NDJSON and CSV, as the baseline fixes,
 * and nothing proprietary or opaque beside them. A download that only redirects to a pre-signed URL has no
 * content of its own to describe: its files' formats are the manifest's, which the live checks judge.
 */
export const exportOpenFormats = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function exportOpenFormats(document) {
    const download = EXPORT_OPERATIONS[2];
    const results: IFunctionResult[] = [];
    for (const op of operationsOf(document)) {
      if (op.method !== download.method || !download.shape.test(op.urlPath)) continue;
      const success = responsesOf(document, op).filter(({ status }) => /^2/.test(status));
      const types = success.flatMap(({ response, at }) =>
        contentOf(response, at).map((entry) => ({
          ...entry,
          bare: entry.mediaType.split(';')[0]?.trim().toLowerCase() ?? '',
        })),
      );
      for (const { mediaType, bare, at } of types) {
        if (!OPEN.test(bare)) {
          results.push({
            message: `Export files offered as ${mediaType}: exports must be in open formats (NDJSON and CSV), never a proprietary or opaque encoding.`,
            path: at,
          });
        }
      }
      const redirectsOnly =
        types.length === 0 && responsesOf(document, op).some(({ status }) => REDIRECT.test(status));
      if (redirectsOnly) continue;
      const missing = [
        types.some(({ bare }) => NDJSON.test(bare)) ? undefined : 'NDJSON (application/x-ndjson)',
        types.some(({ bare }) => CSV.test(bare)) ? undefined : 'CSV (text/csv)',
      ].filter(Boolean);
      if (missing.length > 0) {
        results.push({
          message: `${op.method.toUpperCase()} ${op.urlPath} does not offer ${missing.join(' or ')}: every dataset must be exportable in both.`,
          path: success[0]?.at ?? [...op.at, 'responses'],
        });
      }
    }
    return results;
  },
);
