/**
 * What the write workflow sends and compares: bodies generated from every writable profile's request
 * schemas are valid against them, and "as sent" allows what a server may add but nothing it loses.
 */
import { createSchemaValidator, listOperations } from '@council-conform/openapi';
import { listSpecIds, loadSpec } from '@council-conform/specs';
import { createRng } from '@council-conform/synthetic-data';
import { describe, expect, it } from 'vitest';
import { generateFromSchema, jsonBodySchema } from '../src/support/request-bodies.ts';
import { holdsAsSent } from '../src/support/write-steps.ts';
import { tagOf } from '../src/support/write-workflow.ts';

describe('bodies generated from the request schemas', () => {
  it('are valid for every create and update a profile lists', async () => {
    let judged = 0;
    for (const id of listSpecIds()) {
      const { document, profile } = await loadSpec(id);
      const validator = createSchemaValidator(document);
      for (const dataset of profile.datasets) {
        const writes = dataset.writes;
        if (!writes) continue;
        const writesOf = [
          { op: writes.create.operation, extra: [...writes.create.send, writes.tagField] },
          ...(writes.update ? [{ op: writes.update.operation, extra: writes.update.send }] : []),
        ];
        for (const { op, extra } of writesOf) {
          const operation = listOperations(document).find((o) => o.operationId === op)?.operation;
          const schema = operation ? jsonBodySchema(document, operation) : undefined;
          expect(schema, `${id} ${op} takes JSON`).toBeDefined();
          const body = generateFromSchema(document, schema, createRng(`${id}:${op}`), { extra }) as Record<
            string,
            unknown
          >;
          for (const field of extra)
            if (field !== writes.tagField) expect(body, `${id} ${op}`).toHaveProperty(field);
          expect(validator.validateWith(schema!, body), `${id} ${op}: ${JSON.stringify(body)}`).toEqual([]);
          judged += 1;
        }
      }
    }
    expect(judged).toBe(4);
  });

  it('tag records with the run’s seed', () => {
    expect(tagOf('5f0c1e2d3a4b5c6d')).toBe('conform-run:5f0c1e2d3a4b5c6d');
  });
});

describe('holdsAsSent', () => {
  it.each([
    ['a field the server adds to an object', { code: '3', description: 'Urgent' }, { code: '3' }, true],
    ['the same instant written otherwise', '2026-12-07T10:00:00.000Z', '2026-12-07T10:00:00Z', true],
    ['a coordinate kept to a millionth', 51.5432100000001, 51.54321, true],
    ['a field lost from an object', { code: '3' }, { code: '3', description: 'Urgent' }, false],
    ['another instant', '2026-12-07T11:00:00Z', '2026-12-07T10:00:00Z', false],
    ['a list with an item lost', ['design'], ['design', 'light'], false],
    ['a list in another order', ['light', 'design'], ['design', 'light'], false],
    ['nothing where a value was sent', undefined, 'Kitchen', false],
    ['a number sent as text', '51.54321', 51.54321, false],
  ])('%s: %s', (_what, actual, sent, holds) => {
    expect(holdsAsSent(actual, sent)).toBe(holds);
  });
});
