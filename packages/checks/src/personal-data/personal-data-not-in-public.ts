import type { JsonObject } from '@council-conform/openapi';
import {
  type Check,
  type ReferenceDataset,
  type RunContext,
  ViolationCollector,
} from '@council-conform/runner';
import { createRng } from '@council-conform/synthetic-data';
import { personalFieldsOf } from '../reference.ts';
import { walkJson } from '../support/json.ts';
import { listDataset } from '../support/listing.ts';
import { judge, judged, notApplicable, notJudged, TO_JUDGE, warn } from '../support/outcomes.ts';
import { explicitlyPublicNames, PersonalValueIndex, personalPatternsIn } from '../support/personal.ts';
import { anonymousList, isPublic, readRecordById, topLevelDatasets } from '../support/probes.ts';

/** Public records read by id per dataset, drawn with the run's seed from the sample of its list. */
export const PUBLIC_READS_BY_ID = 10;

async function readByIdAnonymously(
  ctx: RunContext,
  dataset: ReferenceDataset,
  sampled: readonly JsonObject[],
  exchangeIds: string[],
): Promise<{ record: JsonObject; at: string }[]> {
  if (sampled.length === 0) return [];
  const chosen = createRng(`${ctx.config.seed}:${dataset.id}:public-by-id`).sample(
    [...sampled],
    Math.min(PUBLIC_READS_BY_ID, sampled.length),
  );
  const out: { record: JsonObject; at: string }[] = [];
  for (const record of chosen) {
    const id = String(record[dataset.idField]);
    const read = await readRecordById(
      ctx,
      dataset,
      id,
      'none',
      `read public ${dataset.id} ${id} by id without credentials`,
    );
    if (!read) return out;
    exchangeIds.push(read.response.exchange.id);
    if (read.record) out.push({ record: read.record, at: `${dataset.id}/${id} (read by id)` });
  }
  return out;
}

/**
 * Every value the API holds in a personal field of its personal datasets, as the run lists them with the
 * first tenant's credentials (memoised per run).
 */
function personalValues(ctx: RunContext): Promise<PersonalValueIndex> {
  return ctx.memo('personal-values', async () => {
    const index = new PersonalValueIndex();
    for (const dataset of topLevelDatasets(ctx).filter((d) => !isPublic(d))) {
      const personal = personalFieldsOf(ctx.reference.document, dataset.schema);
      const crawl = await ctx.crawl(dataset);
      const listing = await listDataset(ctx, dataset);
      for (const record of [...crawl.records, ...listing.sample.flatMap((p) => p.records)])
        walkJson(record, (_pointer, key, value) => {
          if (key && personal.has(key)) index.add(value, `${dataset.id}.${key}`);
        });
    }
    return index;
  });
}

export const personalDataNotInPublic: Check = {
  id: 'personal-data-not-in-public',
  clause: 'personal-data',
  severity: 'must',
  title: 'No personal data in public responses',
  description:
    'Scans public records, as listed and as read by id, for fields the reference classifies as personal, for values the API itself holds in personal fields of its personal datasets (a licensee’s name, phone or e-mail pasted into a public note), and for unambiguous personal identifiers in free text (National Insurance and NHS numbers, dates of birth): any of these fails. E-mail addresses and phone numbers in free text only warn, because a council’s switchboard or a role mailbox (enquiries@…) is organisational contact data, not personal data; the warning names each so a person can look. Case notes pasted into public fields are how most such leaks happen.',
  sampling:
    'Every record the run lists of every public dataset (up to 5,000 each, then the sampled pages past them), the first page read without credentials, and 10 sampled records per dataset read by id without credentials (drawn with the run’s seed).',
  async run(ctx) {
    const datasets = topLevelDatasets(ctx).filter(isPublic);
    if (datasets.length === 0) return notApplicable(`${ctx.reference.profile.id} has no public datasets`);
    const allowed = explicitlyPublicNames(ctx.reference.document);
    const violations = new ViolationCollector();
    const doubts = new ViolationCollector();
    const exchangeIds: string[] = [];
    const held = await personalValues(ctx);
    let scanned = 0;
    for (const dataset of datasets) {
      const personal = personalFieldsOf(ctx.reference.document, dataset.schema);
      const response = await anonymousList(ctx, dataset);
      const crawl = await ctx.crawl(dataset);
      const listing = await listDataset(ctx, dataset);
      exchangeIds.push(...(response ? [response.exchange.id] : []), ...crawl.exchangeIds.slice(0, 1));
      const seen = new Set(crawl.records);
      const sampled = listing.sample.flatMap((p) => p.records);
      const records = [...crawl.records, ...sampled.filter((r) => !seen.has(r))].map((record) => ({
        record,
        at: `${dataset.id}/${String(record[dataset.idField])}`,
      }));
      // A read by id may carry what the list view leaves out (a licensee's details in a register entry).
      records.push(...(await readByIdAnonymously(ctx, dataset, sampled, exchangeIds)));
      for (const { record, at } of records) {
        scanned += 1;
        walkJson(record, (pointer, key, value) => {
          if (value === null || value === undefined || value === '') return;
          if (key && personal.has(key)) {
            violations.add(`personal field "${key}" in public ${dataset.id}`, {
              message: `${at} carries ${key}`,
              location: `${at}#${pointer}`,
            });
            return;
          }
          if (typeof value !== 'string' || (key && allowed.has(key))) return;
          // A value the API itself holds as a resident's personal data: no doubt about it.
          const heldAs = held.find(value);
          if (heldAs) {
            violations.add(`a value held as personal data (${heldAs}) in public ${dataset.id}`, {
              message: `${at}: ${key ?? 'value'} carries a value the API holds in ${heldAs}`,
              location: `${at}#${pointer}`,
            });
            return;
          }
          if (!/\s/.test(value)) return;
          for (const { kind, unambiguous } of personalPatternsIn(value)) {
            (unambiguous ? violations : doubts).add(`${kind} in free text of public ${dataset.id}`, {
              message: `${at}: ${key ?? 'value'} contains ${kind}`,
              location: `${at}#${pointer}`,
            });
          }
        });
      }
    }
    if (scanned === 0)
      return notJudged('the public datasets hold no records to scan', TO_JUDGE.data, { exchangeIds });
    const grounds = { exchangeIds, judged: judged(scanned, 'public records') };
    if (violations.isEmpty && !doubts.isEmpty)
      return warn(
        `no field classified personal and no unambiguous personal identifier in public records, but free text holds contact details; check each is the council’s or an organisation’s (a switchboard, a role mailbox), not a resident’s: ${doubts.summary()}`,
        { ...grounds, violations: doubts.list() },
      );
    return judge(
      violations,
      {
        pass: `no personal data found in ${scanned} public records`,
        fail: 'public responses carry personal data',
      },
      grounds,
    );
  },
};
