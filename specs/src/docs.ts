import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '@council-conform/openapi';
import { BASELINE_PATH, listSpecIds, loadSpec } from './index.ts';
import { summariseSpec } from './summary.ts';

/** docs/specs.md: the reference specs, their versions, sizes, datasets and the standard each aligns to. */
export async function renderSpecsTable(): Promise<string> {
  const baseline = parseDocument(await readFile(BASELINE_PATH, 'utf8'), BASELINE_PATH).data;
  const baselineVersion = String((baseline.info as Record<string, unknown>).version);
  const lines = [
    '# Reference specs',
    '',
    'Generated from `specs/` by `pnpm --filter @council-conform/specs docs`; do not edit by hand.',
    '',
    `Every spec is written on the [Council API Baseline](../specs/baseline/README.md) ${baselineVersion}. “Ops” counts`,
    'operations in the bundled description (the baseline’s discovery, token, export and import operations included);',
    '“Required” counts those the profile requires of a supplier. The tier is the data-access tier the profile’s export gives.',
    '',
    '| Spec | Version | Ops | Required | Datasets | Aligned to | Alignment | Tier |',
    '| --- | --- | ---: | ---: | --- | --- | --- | --- |',
  ];
  for (const id of listSpecIds()) {
    const spec = await loadSpec(id);
    const s = summariseSpec(spec);
    const standard = spec.profile.standard;
    lines.push(
      `| [${s.title}](../specs/${id}/README.md) (\`${id}\`) | ${s.version} | ${s.operations} | ${s.requiredOperations} | ${s.datasets.map((d) => `\`${d}\``).join(', ')} | [${standard.name}](${standard.url}) ${standard.version} | ${s.alignment} | ${s.tier} |`,
    );
  }
  lines.push('', ...(await renderWritesSection()));
  return lines.join('\n');
}

/**
 * The writes each profile requires, from its datasets' `writes`: what a sandbox run proves with the write
 * workflow (docs/checks.md: open-api-write-workflow, right-to-data-writes-exported,
 * personal-data-writes-isolated).
 */
async function renderWritesSection(): Promise<string[]> {
  const lines = [
    '## Writes',
    '',
    'A profile says which writes a supplier must support in a dataset’s `writes`: the `create` operation, the',
    'fields a create must send (`send`; the request schema’s required fields are always sent) and those that name',
    'a record of another dataset (`references`, sent with the id of a record listed there); `tagField`, the',
    'free-text field that carries the run’s tag (`conform-run:<seed>`); a `listFilter` that narrows the list to the',
    'new record (`{id}` stands for its id); an `update` (its operation, whether the record’s id goes in the `path`',
    'or a `body` field, the fields it sends, and `recordedIn` when the update is a record of another dataset); a',
    '`close` that removes or closes the record; and `exportable`, whether a fresh export must hold it. The',
    'writes are required when the create operation is; a create the profile lists as optional is proven where a',
    'supplier declares it. In sandbox mode the harness creates, reads back, lists, updates, exports and closes',
    'one record per dataset, and checks that a second tenant can neither read, change nor export it.',
    '',
    '| Spec | Dataset | Create | Sends | Names | Update | Close | Exported |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const code = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(', ') || '—';
  for (const id of listSpecIds()) {
    const { profile } = await loadSpec(id);
    const required = new Set(profile.operations.required);
    for (const dataset of profile.datasets) {
      const writes = dataset.writes;
      if (!writes) continue;
      const op = (name: string) => `\`${name}\`${required.has(name) ? '' : ' (optional)'}`;
      const update = writes.update
        ? `${op(writes.update.operation)}${writes.update.recordedIn ? `, recorded in \`${writes.update.recordedIn.dataset}\`` : ''}`
        : '—';
      const names = Object.entries(writes.create.references ?? {}).map(([f, d]) => `${f} → ${d}`);
      lines.push(
        `| \`${id}\` | \`${dataset.id}\` | ${op(writes.create.operation)} | ${code(writes.create.send)} | ${code(names)} | ${update} | ${writes.close ? op(writes.close.operation) : '—'} | ${writes.exportable ? 'yes' : 'no'} |`,
      );
    }
  }
  lines.push(
    '',
    'No reference spec has a delete or close for a dataset it writes: records a run writes stay in the sandbox,',
    'tagged, and the run’s evidence lists them ([suppliers](suppliers.md#sandbox-write-workflows)).',
    'Waste collections’ `reportMissedCollection` names a UPRN that must have the service it reports missed, which',
    '`references` (an id from one dataset) cannot choose yet, so its profile lists no writes; housing repairs’',
    '`requestAppointment` books a free slot of an existing work order, which a run cannot make for itself, so only',
    'its repair requests are written.',
    '',
  );
  return lines;
}

// Computed here, not from index.ts, which imports this module: no cycle at load time.
export const SPECS_DOC_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'specs.md');
