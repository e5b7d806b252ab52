import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bundleDocument,
  createSchemaValidator,
  isPublicOperation,
  type JsonObject,
  listOperations,
  validateOpenApiStructure,
} from '@council-conform/openapi';
import { describe, expect, it } from 'vitest';
import { BASELINE_PATH, generateFixtureFiles, listSpecIds, loadFixtures, loadSpec } from '../src/index.ts';
import { isObject, PERSONAL_PROPERTY, walkSchemas } from './helpers.ts';

const BASELINE_OPERATIONS = [
  'getOpenApiDescription',
  'getSecurityTxt',
  'issueToken',
  'startExport',
  'getExport',
  'getExportFile',
];
const BASELINE_OPTIONAL = ['startImport', 'getImport'];
const BASELINE_PATHS: Record<string, string> = {
  '/openapi.json': 'OpenApiDescription',
  '/.well-known/security.txt': 'SecurityTxt',
  '/oauth/token': 'Token',
  '/exports': 'Exports',
  '/exports/{exportId}': 'ExportJob',
  '/exports/{exportId}/files/{fileName}': 'ExportFile',
  '/imports': 'Imports',
  '/imports/{importId}': 'ImportJob',
};

async function validateOpenApi(document: JsonObject): Promise<string[]> {
  return (await validateOpenApiStructure(document)).map((problem) => problem.message);
}

describe('the Council API Baseline', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const { document } = await bundleDocument(BASELINE_PATH);
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('has a README that states its version', async () => {
    const [readme, { document }] = await Promise.all([
      readFile(join(BASELINE_PATH, '..', 'README.md'), 'utf8'),
      bundleDocument(BASELINE_PATH),
    ]);
    expect(readme).toContain(`Version ${(document.info as JsonObject).version}`);
  });
});

const specIds = listSpecIds();

it('there are ten reference specs', () => {
  expect(specIds).toHaveLength(10);
});

describe.each(specIds)('reference spec %s', (id) => {
  it('is valid OpenAPI 3.1 and every $ref resolves', async () => {
    const { document } = await loadSpec(id);
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toEqual([]);
  });

  it('has a profile consistent with the description', async () => {
    const { document, profile } = await loadSpec(id);
    const info = document.info as JsonObject;
    expect(profile.id).toBe(id);
    expect(profile.version).toBe(info.version);
    const operationIds = listOperations(document).map((op) => op.operationId);
    expect(operationIds.filter((op) => op === undefined)).toEqual([]);
    const declared = [...profile.operations.required, ...profile.operations.optional];
    expect([...operationIds].sort()).toEqual([...new Set(declared)].sort());
    expect(profile.operations.required.filter((op) => profile.operations.optional.includes(op))).toEqual([]);
    const schemas = (document.components as JsonObject).schemas as JsonObject;
    for (const dataset of profile.datasets) {
      expect(schemas[dataset.schema], `${dataset.id}: schema ${dataset.schema}`).toBeDefined();
      expect(operationIds, `${dataset.id}: list`).toContain(dataset.list);
      expect(operationIds, `${dataset.id}: get`).toContain(dataset.get);
      expect(profile.operations.required, `${dataset.id}: list is required`).toContain(dataset.list);
    }
  });

  it('mounts the baseline discovery, token and export operations', async () => {
    const { document, profile } = await loadSpec(id);
    const raw = (await import('yaml')).parse(
      await readFile(join((await loadSpec(id)).dir, 'openapi.yaml'), 'utf8'),
    );
    for (const [path, item] of Object.entries(BASELINE_PATHS)) {
      expect(raw.paths[path]?.$ref, path).toBe(`../baseline/openapi.yaml#/components/pathItems/${item}`);
    }
    const ids = listOperations(document).map((op) => op.operationId);
    for (const op of [...BASELINE_OPERATIONS, ...BASELINE_OPTIONAL]) expect(ids).toContain(op);
    for (const op of BASELINE_OPERATIONS) expect(profile.operations.required).toContain(op);
  });

  it('gives every operation an id, summary, classification, 4xx and 5xx responses', async () => {
    const { document } = await loadSpec(id);
    const problems: string[] = [];
    for (const op of listOperations(document)) {
      const label = `${op.method.toUpperCase()} ${op.path}`;
      if (!op.operation.summary) problems.push(`${label}: no summary`);
      if (
        !['public', 'personal', 'special-category'].includes(op.operation['x-data-classification'] as string)
      ) {
        problems.push(`${label}: no x-data-classification`);
      }
      const codes = Object.keys((op.operation.responses as JsonObject) ?? {});
      if (!codes.some((c) => c.startsWith('4'))) problems.push(`${label}: no 4xx response`);
      if (!codes.some((c) => c.startsWith('5'))) problems.push(`${label}: no 5xx response`);
      if (op.operation['x-data-classification'] !== 'public' && isPublicOperation(document, op.operation)) {
        problems.push(`${label}: ${op.operation['x-data-classification']} data with security: []`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('classifies every property that holds personal data and keeps it out of public responses', async () => {
    const { document } = await loadSpec(id);
    const problems: string[] = [];
    const schemas = (document.components as JsonObject).schemas as JsonObject;
    for (const [name, schema] of Object.entries(schemas)) {
      walkSchemas(
        document,
        schema,
        `/components/schemas/${name}`,
        ({ propertyName, schema: node, pointer }) => {
          if (
            propertyName &&
            PERSONAL_PROPERTY.test(propertyName) &&
            node['x-data-classification'] === undefined
          ) {
            problems.push(
              `${pointer}: "${propertyName}" looks personal; mark x-data-classification (public with a reason if it is not)`,
            );
          }
        },
      );
    }
    for (const op of listOperations(document)) {
      if (!isPublicOperation(document, op.operation)) continue;
      for (const param of (op.operation.parameters as JsonObject[] | undefined) ?? []) {
        if (
          isObject(param) &&
          PERSONAL_PROPERTY.test(String(param.name)) &&
          param['x-data-classification'] !== 'public'
        ) {
          problems.push(`${op.pointer}: parameter ${param.name} looks personal`);
        }
      }
      const responses = (op.operation.responses as JsonObject) ?? {};
      for (const [code, response] of Object.entries(responses)) {
        if (!code.startsWith('2')) continue;
        walkSchemas(document, response, `${op.pointer}/responses/${code}`, ({ schema: node, pointer }) => {
          const cls = node['x-data-classification'];
          if (cls === 'personal' || cls === 'special-category') {
            problems.push(`${pointer}: ${cls} data in a public response of ${op.operationId}`);
          }
        });
      }
    }
    expect(problems).toEqual([]);
  });

  it('has fixtures that validate against their schemas, with at least 100 records per main entity', async () => {
    const { document, profile } = await loadSpec(id);
    const fixtures = await loadFixtures(id);
    const validator = createSchemaValidator(document);
    const problems: string[] = [];
    for (const dataset of profile.datasets) {
      const records = fixtures[dataset.id] ?? [];
      if (records.length < (dataset.main ? 100 : 1))
        problems.push(`${dataset.id}: only ${records.length} records`);
      const ids = new Set<unknown>();
      records.forEach((record, i) => {
        for (const error of validator.validate(`/components/schemas/${dataset.schema}`, record)) {
          if (problems.length < 20) problems.push(`${dataset.fixtures}[${i}]${error.message}`);
        }
        const recordId = (record as JsonObject)[dataset.idField];
        if (ids.has(recordId)) problems.push(`${dataset.fixtures}[${i}]: duplicate id ${String(recordId)}`);
        ids.add(recordId);
      });
    }
    expect(problems).toEqual([]);
  });

  it('has fixtures exactly as its generator writes them', async () => {
    const { dir, profile } = await loadSpec(id);
    const files = await generateFixtureFiles(dir, profile);
    for (const [path, text] of files) {
      expect(
        await readFile(path, 'utf8'),
        `${path} is stale: run pnpm --filter @council-conform/specs fixtures ${id}`,
      ).toBe(text);
    }
  });

  it('has examples that validate against their schemas', async () => {
    const { document } = await loadSpec(id);
    const validator = createSchemaValidator(document);
    const problems: string[] = [];
    const visit = (node: unknown, pointer: string): void => {
      if (Array.isArray(node)) {
        for (const [i, child] of node.entries()) visit(child, `${pointer}/${i}`);
        return;
      }
      if (!isObject(node)) return;
      // Media type objects and parameters: schema beside example/examples.
      if (isObject(node.schema)) {
        const samples: unknown[] = [];
        if ('example' in node) samples.push(node.example);
        if (isObject(node.examples)) {
          for (const example of Object.values(node.examples))
            if (isObject(example) && 'value' in example) samples.push(example.value);
        }
        for (const sample of samples) {
          for (const error of validator.validateWith(node.schema, sample))
            problems.push(`${pointer}${error.message}`);
        }
      }
      // Schemas: `examples` is a list of instances.
      if (
        Array.isArray(node.examples) &&
        (node.type !== undefined || node.$ref !== undefined || node.properties)
      ) {
        const { examples, ...schema } = node;
        for (const sample of examples) {
          for (const error of validator.validateWith(schema, sample))
            problems.push(`${pointer}/examples${error.message}`);
        }
      }
      for (const [key, value] of Object.entries(node))
        if (key !== 'examples' || !Array.isArray(value)) visit(value, `${pointer}/${key}`);
    };
    visit(document, '');
    expect(problems).toEqual([]);
  });
});

it('operation ids are unique across specs except the shared baseline ones', async () => {
  const owner = new Map<string, string>();
  const clashes: string[] = [];
  for (const id of specIds) {
    const { document } = await loadSpec(id);
    for (const op of listOperations(document)) {
      if (!op.operationId || [...BASELINE_OPERATIONS, ...BASELINE_OPTIONAL].includes(op.operationId))
        continue;
      const previous = owner.get(op.operationId);
      if (previous) clashes.push(`${op.operationId} in ${previous} and ${id}`);
      owner.set(op.operationId, id);
    }
  }
  expect(clashes).toEqual([]);
});
