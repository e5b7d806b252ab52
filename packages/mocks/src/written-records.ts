import type { JsonObject } from '@council-conform/openapi';
import type { DatasetProfile, SpecProfile } from '@council-conform/specs';

/**
 * What a mock does with records written through its API, and the three write faults (issue 23) that get it
 * wrong: a create that drops a field, an update left out of exports, a new record another tenant can read.
 */

/**
 * A record a create stores when the standard answers with an acknowledgement rather than the record (Open311
 * answers `[{service_request_id}]`): the dataset's first fixture record as a template, with each field the
 * caller sent that the record has and that is valid there.
 */
export function recordFromTemplate(
  template: JsonObject,
  sent: JsonObject,
  fieldAccepts: (field: string, value: unknown) => boolean,
): JsonObject {
  const record: JsonObject = { ...template };
  for (const [field, value] of Object.entries(sent))
    if (fieldAccepts(field, value)) record[field] = value as JsonObject[string];
  return record;
}

/**
 * The field `write-create-drops-field` loses: the last field the profile's create sends that the record
 * may go without, its free-text field last of all.
 */
export function fieldDroppedOnCreate(
  dataset: DatasetProfile,
  requiredByRecord: readonly string[],
): string | undefined {
  const writes = dataset.writes;
  if (!writes) return undefined;
  const optional = writes.create.send.filter((f) => !requiredByRecord.includes(f));
  return (
    optional.filter((f) => f !== writes.tagField).at(-1) ??
    (requiredByRecord.includes(writes.tagField) ? undefined : writes.tagField)
  );
}

/** The dataset an operation's writes are recorded in when the profile names it as an update, else undefined. */
export function updateRecordedIn(profile: SpecProfile, operationId: string | undefined): string | undefined {
  for (const dataset of profile.datasets) {
    const update = dataset.writes?.update;
    if (update && update.operation === operationId) return update.recordedIn?.dataset ?? dataset.id;
  }
  return undefined;
}

/** Ids the API created, per dataset: what the write faults act on. */
export class WrittenIds {
  private readonly byDataset = new Map<string, Set<string>>();
  add(datasetId: string, id: string): void {
    const ids = this.byDataset.get(datasetId) ?? new Set<string>();
    ids.add(id);
    this.byDataset.set(datasetId, ids);
  }
  has(datasetId: string, id: string): boolean {
    return this.byDataset.get(datasetId)?.has(id) ?? false;
  }
}
