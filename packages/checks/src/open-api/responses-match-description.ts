import { createSchemaValidator, type JsonObject } from '@council-conform/openapi';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { createRng } from '@council-conform/synthetic-data';
import { listDataset } from '../support/listing.ts';
import { findOperation, successSchema } from '../support/operations.ts';
import { fail, harnessError, judge, judged } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';

export const responsesMatchDescription: Check = {
  id: 'responses-match-description',
  clause: 'open-api',
  severity: 'must',
  title: 'Live responses match the supplier’s own description',
  description:
    'Validates a list page and a record read by id of every dataset against the response schemas in the supplier’s published description. A description that does not describe the live API misleads every developer who trusts it.',
  sampling:
    'Per dataset, the first page of its list and one record read by id, drawn with the run’s seed from the first, last and random pages the sample covers.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found)
      return fail('there is no description to compare responses with (see description-discoverable)');
    const document = found.document as JsonObject;
    const validator = createSchemaValidator(document);
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [found.exchangeId];
    let compared = 0;
    for (const dataset of topLevelDatasets(ctx)) {
      const listing = await listDataset(ctx, dataset);
      const sampled = listing.sample.flatMap((page) => page.records);
      if (sampled.length === 0) continue;
      const record = createRng(`${listing.seed}:described`).pick(sampled);
      const reads: { operationId: string; url: string }[] = [];
      const listOp = ctx.operationPath(dataset.list);
      if (listOp) reads.push({ operationId: dataset.list, url: listOp.path });
      const getOp = ctx.operationPath(dataset.get);
      if (getOp)
        reads.push({
          operationId: dataset.get,
          url: getOp.path.replace(/\{[^}]+\}/, encodeURIComponent(String(record[dataset.idField]))),
        });
      for (const read of reads) {
        const referenceOp = ctx.operationPath(read.operationId);
        const operation = referenceOp
          ? findOperation(document, read.operationId, referenceOp.method, referenceOp.path)
          : undefined;
        if (!operation) {
          violations.add('operation not in the description', {
            message: `${read.operationId} is answered by the API but not described`,
            location: read.url,
          });
          continue;
        }
        const schema = successSchema(document, operation);
        if (!schema) continue;
        const response = await ctx.http.request({
          url: read.url,
          auth: 'primary',
          note: `compare ${read.operationId} with the supplier’s description`,
        });
        exchangeIds.push(response.exchange.id);
        if (response.status !== 200) continue;
        let body: unknown;
        try {
          body = response.json();
        } catch (error) {
          violations.add('response is not JSON', {
            message: (error as Error).message,
            exchangeId: response.exchange.id,
          });
          continue;
        }
        compared += 1;
        for (const error of validator.validateWith(schema, body)) {
          violations.add(`${read.operationId}: ${error.message.replace(/\/\d+(?=\/|\s|$)/g, '/*')}`, {
            message: error.message,
            location: `${read.url}#${error.pointer}`,
            exchangeId: response.exchange.id,
          });
        }
      }
    }
    if (compared === 0 && violations.isEmpty)
      return harnessError('no response could be read to compare with the description', { exchangeIds });
    return judge(
      violations,
      {
        pass: `${compared} live responses match the supplier’s description`,
        fail: 'the live API does not answer as its description says',
      },
      { exchangeIds, judged: judged(compared, 'responses') },
    );
  },
};
