/**
 * A profile's `writes` (what the sandbox write workflow proves) name only what the description has: the
 * operations, the request fields they send, the list's query parameters, the record fields an update shows.
 */
import { type JsonObject, listOperations, resolvePointer } from '@council-conform/openapi';
import { describe, expect, it } from 'vitest';
import { listSpecIds, loadSpec, profileWritesProblems, type SpecProfile } from '../src/index.ts';
import { isObject } from './helpers.ts';

function deref(document: JsonObject, node: unknown): JsonObject {
  let out = node;
  while (isObject(out) && typeof out.$ref === 'string') out = resolvePointer(document, out.$ref.slice(1));
  return isObject(out) ? out : {};
}

/** Property names of an object schema, `allOf` parts included. */
function propertyNames(document: JsonObject, schema: unknown): string[] {
  const node = deref(document, schema);
  const own = isObject(node.properties) ? Object.keys(node.properties) : [];
  const parts = Array.isArray(node.allOf) ? node.allOf.flatMap((p) => propertyNames(document, p)) : [];
  return [...own, ...parts];
}

function operation(document: JsonObject, id: string) {
  const found = listOperations(document).find((op) => op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

function jsonBodyProperties(document: JsonObject, id: string): string[] {
  const body = deref(document, operation(document, id).operation.requestBody);
  const content = isObject(body.content) ? body.content : {};
  const json = Object.entries(content).find(([type]) => /json/.test(type))?.[1];
  expect(json, `${id} takes a JSON body`).toBeDefined();
  return propertyNames(document, isObject(json) ? json.schema : undefined);
}

function queryParameters(document: JsonObject, id: string): string[] {
  const { operation: op, path } = operation(document, id);
  const item = deref(document, (document.paths as JsonObject)[path]);
  const all = [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ];
  return all
    .map((p) => deref(document, p))
    .filter((p) => p.in === 'query')
    .map((p) => String(p.name));
}

const specIds = listSpecIds();

describe.each(specIds)('the writes of %s', (id) => {
  it('name operations, fields and parameters the description has', async () => {
    const { document, profile } = await loadSpec(id);
    const schemas = (document.components as JsonObject).schemas as JsonObject;
    for (const dataset of profile.datasets) {
      const writes = dataset.writes;
      if (!writes) continue;
      const at = `${id} ${dataset.id}`;
      const sent = jsonBodyProperties(document, writes.create.operation);
      for (const field of [
        ...writes.create.send,
        writes.tagField,
        ...Object.keys(writes.create.references ?? {}),
      ])
        expect(sent, `${at}: ${writes.create.operation} takes ${field}`).toContain(field);
      expect(
        propertyNames(document, schemas[dataset.schema]),
        `${at}: the record keeps ${writes.tagField}`,
      ).toContain(writes.tagField);
      for (const name of Object.keys(writes.listFilter ?? {}))
        expect(queryParameters(document, dataset.list), `${at}: ${dataset.list} takes ?${name}`).toContain(
          name,
        );
      if (writes.update) {
        const { path } = operation(document, writes.update.operation);
        const fields = jsonBodyProperties(document, writes.update.operation);
        if (writes.update.idIn === 'path')
          expect(path, `${at}: the update's path takes the id`).toMatch(/\{[^}]+\}/);
        else expect(fields, `${at}: the update carries the id`).toContain(writes.update.idIn.body);
        for (const field of writes.update.send)
          expect(fields, `${at}: the update takes ${field}`).toContain(field);
        const recordedIn = writes.update.recordedIn;
        if (recordedIn) {
          const target = profile.datasets.find((d) => d.id === recordedIn.dataset);
          expect(
            propertyNames(document, schemas[target?.schema ?? '']),
            `${at}: ${recordedIn.linkField}`,
          ).toContain(recordedIn.linkField);
        }
      }
      if (writes.close)
        expect(
          operation(document, writes.close.operation).path,
          `${at}: the close's path takes the id`,
        ).toMatch(/\{[^}]+\}/);
    }
  });
});

it('the specs whose standards have writes say which writes a supplier must support', async () => {
  const written = [];
  for (const id of specIds)
    for (const dataset of (await loadSpec(id)).profile.datasets)
      if (dataset.writes) written.push(`${id}/${dataset.id}`);
  expect(written).toEqual([
    'housing-repairs/repair_requests',
    'planning-applications/public_comments',
    'street-reports/service_requests',
  ]);
});

describe('a profile whose writes name what it does not have', () => {
  it('is refused, naming each problem', async () => {
    const { profile } = await loadSpec('street-reports');
    const broken: SpecProfile = structuredClone(profile);
    const dataset = broken.datasets.find((d) => d.id === 'service_requests');
    if (!dataset?.writes?.update) throw new Error('street-reports service_requests has an update');
    dataset.writes.create.operation = 'createPothole';
    dataset.writes.create.references = { service_code: 'service_types' };
    dataset.writes.update.recordedIn = { dataset: 'comments', linkField: 'service_request_id' };
    expect(profileWritesProblems(broken)).toEqual([
      `datasets[service_requests].writes.create.operation: "createPothole" is not one of the profile's operations`,
      `datasets[service_requests].writes.create.references.service_code: "service_types" is not one of the profile's datasets`,
      `datasets[service_requests].writes.update.recordedIn.dataset: "comments" is not one of the profile's datasets`,
    ]);
    expect(profileWritesProblems(profile)).toEqual([]);
  });
});
