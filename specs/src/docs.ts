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
  lines.push('');
  return lines.join('\n');
}

// Computed here, not from index.ts, which imports this module: no cycle at load time.
export const SPECS_DOC_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'specs.md');
