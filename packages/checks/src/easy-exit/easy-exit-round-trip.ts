import type { JsonObject } from '@council-conform/openapi';
import {
  type Check,
  type HarnessResponse,
  parseRetryAfter,
  resolveLink,
  ViolationCollector,
} from '@council-conform/runner';
import { personalFieldNames } from '../reference.ts';
import { normalise } from '../right-to-data/right-to-data-export-fidelity.ts';
import { runExport } from '../support/export.ts';
import {
  fail,
  harnessError,
  judge,
  judged,
  notApplicable,
  notJudged,
  TO_JUDGE,
} from '../support/outcomes.ts';
import { isPersonalValue } from '../support/personal.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** The round trip carries the files inline (the baseline import takes NDJSON text), so it is bounded. */
const ROUND_TRIP_MAX_BYTES = 64 * 1024 * 1024;

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

interface ImportResult {
  readonly dataset: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly errors?: readonly { line: number; detail: string }[];
}

export const easyExitRoundTrip: Check = {
  id: 'easy-exit-round-trip',
  clause: 'easy-exit',
  severity: 'must',
  title: 'The export imports into another system intact (round trip)',
  description:
    'Takes the supplier’s bulk export (its NDJSON files, the baseline’s interchange format), imports it into another implementation of the profile (the reference server, given as the run’s round-trip target), then reads every dataset back through that implementation’s API and compares each record field by field with what was exported (baseline normalisation). Lists every line the import rejected and every record that did not survive. This is what “easy exit” means in practice: the data moves to a new supplier without anyone rekeying it.',
  sampling:
    'Every record of every NDJSON export file, imported whole and read back whole through the round-trip target.',
  async run(ctx) {
    if (!ctx.roundTrip) return notJudged('no round-trip target was given', TO_JUDGE.roundTrip);
    const run = await runExport(ctx);
    if (run.outcome !== 'completed')
      return notApplicable(`no completed export to carry across (${run.message}; see right-to-data)`);
    const datasets = new Map(topLevelDatasets(ctx).map((d) => [d.id, d]));
    const personalNames = personalFieldNames(ctx.reference.document);
    const ndjson = run.files.filter((file) => file.format === 'ndjson' && datasets.has(file.dataset));
    if (ndjson.length === 0)
      return fail(
        'the export has no NDJSON files for the profile’s datasets: nothing in it can be imported by another system in the baseline format',
        { exchangeIds: run.exchangeIds.slice(-1) },
      );

    const exchangeIds: string[] = [];
    const files: { dataset: string; format: 'ndjson'; content: string }[] = [];
    let total = 0;
    for (const file of ndjson) {
      const chunks: Buffer[] = [];
      const result = await ctx.http.download(
        {
          url: resolveLink(file.url, ctx.config.targetUrl, `the URL of ${file.dataset}.ndjson`).href,
          auth: 'primary',
          note: `read ${file.dataset}.ndjson for the round trip`,
          maxBytes: ROUND_TRIP_MAX_BYTES - total,
          redirects: 'follow-without-credentials',
        },
        (chunk) => {
          chunks.push(chunk);
        },
      );
      exchangeIds.push(result.exchange.id);
      if (result.status !== 200)
        return harnessError(
          `the export file ${file.dataset}.ndjson answered ${result.status} on a second read`,
          {
            exchangeIds,
          },
        );
      total += result.bytes;
      files.push({
        dataset: file.dataset,
        format: 'ndjson',
        content: Buffer.concat(chunks).toString('utf8'),
      });
    }

    const { http } = ctx.roundTrip;
    const started = await http.request({
      url: '/imports',
      method: 'POST',
      auth: 'primary',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files }),
      note: `import ${files.length} exported file(s) into the round-trip target`,
    });
    exchangeIds.push(started.exchange.id);
    if (started.status < 200 || started.status >= 300)
      return harnessError(
        `the round-trip target refused the import request (${started.status}): ${started.text().slice(0, 300)}`,
        { exchangeIds },
      );
    const job = await pollImport(ctx, started, exchangeIds);
    if (!job)
      return harnessError('the import on the round-trip target did not complete in time', { exchangeIds });

    const violations = new ViolationCollector();
    const results = (Array.isArray(job.results) ? job.results : []) as ImportResult[];
    for (const result of results) {
      for (const error of result.errors ?? []) {
        violations.add(`${result.dataset}: exported records the import rejects`, {
          message: `${result.dataset}.ndjson line ${error.line}: ${error.detail}`,
          location: `${result.dataset}.ndjson:${error.line}`,
        });
      }
    }

    let compared = 0;
    for (const file of files) {
      const dataset = datasets.get(file.dataset);
      if (!dataset) continue;
      const back = await ctx.roundTrip.crawl(dataset);
      exchangeIds.push(...back.exchangeIds.slice(0, 1));
      if (back.problem) {
        violations.add(`${dataset.id}: could not be read back`, { message: back.problem });
        continue;
      }
      const byId = new Map(back.records.map((r) => [String(r[dataset.idField]), r]));
      for (const [index, line] of file.content.split('\n').entries()) {
        if (line.trim() === '') continue;
        let exported: unknown;
        try {
          exported = JSON.parse(line);
        } catch {
          continue; // reported by the import's own errors and by right-to-data-records-valid
        }
        if (!isObject(exported)) continue;
        const id = String(exported[dataset.idField]);
        const arrived = byId.get(id);
        compared += 1;
        if (!arrived) {
          violations.add(`${dataset.id}: records that did not survive`, {
            message: `${dataset.id}/${id} (line ${index + 1}) is not in the other system after the import`,
            location: `${dataset.id}/${id}`,
          });
          continue;
        }
        for (const key of new Set([...Object.keys(exported), ...Object.keys(arrived)])) {
          const before = JSON.stringify(normalise(exported[key], key));
          const after = JSON.stringify(normalise(arrived[key], key));
          if (before === after) continue;
          // The report shows the change, but never a personal value.
          const personal = isPersonalValue(personalNames, `/${key}`, [exported[key], arrived[key]]);
          violations.add(`${dataset.id}: values changed in the round trip`, {
            message: personal
              ? `${dataset.id}/${id}.${key} changed in the round trip (personal field, values withheld)`
              : `${dataset.id}/${id}.${key} was exported as ${before?.slice(0, 60)} and reads back as ${after?.slice(0, 60)}`,
            location: `${dataset.id}/${id}#/${key}`,
          });
        }
      }
    }
    return judge(
      violations,
      {
        pass: `${compared} exported records in ${files.length} dataset(s) imported into ${ctx.roundTrip.target} and read back unchanged`,
        fail: 'the export does not survive a move to another system',
      },
      { exchangeIds, judged: judged(compared, 'records carried across') },
    );
  },
};

async function pollImport(
  ctx: Parameters<Check['run']>[0],
  started: HarnessResponse,
  exchangeIds: string[],
): Promise<JsonObject | undefined> {
  const http = ctx.roundTrip?.http;
  if (!http) return undefined;
  let body: unknown;
  try {
    body = started.json();
  } catch {
    body = undefined;
  }
  const given = started.header('location');
  // Against the answer that gave it, not the round-trip target's base URL.
  const location = given && resolveLink(given, started.url, 'the Location of POST /imports').href;
  const deadline = Date.now() + Math.min(ctx.config.exportBudgetMs, ctx.config.runBudgetMs);
  let wait = 100;
  for (;;) {
    if (isObject(body) && (body.status === 'complete' || body.status === 'failed')) return body;
    if (!location || Date.now() + wait > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, wait));
    const response = await http.request({ url: location, auth: 'primary', note: 'poll the import' });
    exchangeIds.push(response.exchange.id);
    try {
      body = response.json();
    } catch {
      body = undefined;
    }
    wait = Math.min(parseRetryAfter(response.header('retry-after')) ?? wait * 2, 5_000);
  }
}
