import type { JsonObject } from '@council-conform/openapi';
import type { ReferenceDataset, RunContext } from '@council-conform/runner';
import { topLevelDatasets } from './probes.ts';
import { type FieldFacts, schemaFields } from './schema-fields.ts';

/** Records examined per dataset by the value checks: enough to find systematic defects, bounded. */
export const RECORD_SAMPLE = 100;

export interface SampledRecord {
  readonly dataset: ReferenceDataset;
  readonly record: JsonObject;
  /** `dataset/id`, for a violation's location. */
  readonly label: string;
  /** The reference's facts about each property name of the dataset's schema. */
  readonly fields: ReadonlyMap<string, FieldFacts>;
  readonly exchangeId?: string;
}

/** The first records of every top-level dataset, as crawled, with what the reference declares of them. */
export async function sampleRecords(ctx: RunContext): Promise<{
  records: SampledRecord[];
  exchangeIds: string[];
}> {
  const records: SampledRecord[] = [];
  const exchangeIds: string[] = [];
  for (const dataset of topLevelDatasets(ctx)) {
    const crawl = await ctx.crawl(dataset);
    const fields = schemaFields(ctx.reference.document, dataset.schema);
    const exchangeId = crawl.exchangeIds[0];
    if (exchangeId) exchangeIds.push(exchangeId);
    for (const record of crawl.records.slice(0, RECORD_SAMPLE)) {
      records.push({
        dataset,
        record,
        label: `${dataset.id}/${String(record[dataset.idField])}`,
        fields,
        ...(exchangeId ? { exchangeId } : {}),
      });
    }
  }
  return { records, exchangeIds };
}
