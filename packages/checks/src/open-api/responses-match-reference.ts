import { type Check, ViolationCollector } from '@council-conform/runner';
import { noRecordsOutcome, SAMPLE_WORDS, sampleRecords } from '../support/listing.ts';
import { judge, judged } from '../support/outcomes.ts';
import { listViewErrors, omittableInLists } from '../support/schema-fields.ts';

export const responsesMatchReference: Check = {
  id: 'responses-match-reference',
  clause: 'open-api',
  severity: 'must',
  title: 'Live records match the reference schemas',
  description:
    'Reads every dataset through its list operation and validates a sample of its records, drawn from the whole list, against the profile’s reference schemas. A property the reference marks `x-omittable-in-lists` may be left out of a list. A record that does not match the standard cannot be used by another system without bespoke work.',
  sampling: `Records of ${SAMPLE_WORDS}.`,
  async run(ctx) {
    const { records, exchangeIds, coverage } = await sampleRecords(ctx);
    const none = noRecordsOutcome(records.length, coverage, exchangeIds);
    if (none) return none;
    const violations = new ViolationCollector();
    const omittable = new Map<string, Set<string>>();
    for (const { dataset, record, label, exchangeId } of records) {
      let listOnly = omittable.get(dataset.id);
      if (!listOnly) {
        listOnly = omittableInLists(ctx.reference.document, dataset.schema);
        omittable.set(dataset.id, listOnly);
      }
      const errors = ctx.referenceValidator.validate(`/components/schemas/${dataset.schema}`, record);
      for (const error of listViewErrors(errors, listOnly)) {
        violations.add(`${dataset.id}: ${error.message.replace(/\/\d+(?=\/|\s|$)/g, '/*')}`, {
          message: error.message,
          location: `${label}#${error.pointer}`,
          ...(exchangeId ? { exchangeId } : {}),
        });
      }
    }
    return judge(
      violations,
      {
        pass: `${records.length} records sampled across ${coverage.length} datasets match the reference schemas`,
        fail: `records do not match the reference schemas`,
      },
      { exchangeIds, judged: judged(records.length, 'records'), data: { sample: coverage } },
    );
  },
};
