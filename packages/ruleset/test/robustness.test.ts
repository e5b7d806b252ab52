import { DocumentError } from '@council-conform/openapi';
import { BUDGET } from '@council-conform/test-budgets';
import { expect, it } from 'vitest';
import { lintText } from '../src/index.ts';
import { cleanDocument } from './support/documents.ts';

type Path = (string | number)[];

function pathsOf(node: unknown, at: Path = []): Path[] {
  if (node === null || typeof node !== 'object') return [];
  const entries = Array.isArray(node)
    ? node.map((value, index) => [index, value] as const)
    : Object.entries(node);
  return entries.flatMap(([key, value]) => [[...at, key], ...pathsOf(value, [...at, key])]);
}

function replaced(path: Path, value: unknown): unknown {
  const copy = cleanDocument() as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = value;
  return copy;
}

// Real descriptions put anything anywhere. Whatever sits where an object, list or string belongs, the lint
// reports on it (or refuses the document as not OpenAPI) and never throws anything else.
it('refuses a description whose $ref is not a string, saying where, since nothing can then be resolved', async () => {
  const document = cleanDocument() as {
    components: { schemas: { Record: { properties: Record<string, unknown> } } };
  };
  document.components.schemas.Record.properties.uprn = { $ref: 42 };
  const error = await lintText(JSON.stringify(document, null, 2), '/virtual/odd.json').catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  expect((error as DocumentError).message).toMatch(
    /^\/virtual\/odd\.json:\d+:\d+: "\$ref" at \$\.components\.schemas\.Record\.properties\.uprn\.\$ref is 42, not a string/,
  );
});

it('never crashes when any part of a description has the wrong type', { timeout: BUDGET.heavy }, async () => {
  const paths = pathsOf(cleanDocument());
  const weird = [null, [], 'text', 42, {}, true, { $ref: '#/nowhere' }, { $ref: 'https://example.org/x' }];
  const failures: string[] = [];
  // Every third node, each with one of the odd values in turn: every kind of node is covered.
  for (let index = 0; index < paths.length; index += 3) {
    const path = paths[index] as Path;
    const value = weird[index % weird.length];
    try {
      await lintText(JSON.stringify(replaced(path, value)), '/virtual/odd.json');
    } catch (error) {
      if (!(error instanceof DocumentError))
        failures.push(`${path.join('.')} = ${JSON.stringify(value)}: ${error}`);
    }
  }
  expect(failures).toEqual([]);
});
