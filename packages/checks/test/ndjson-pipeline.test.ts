import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchemaValidator, type JsonObject } from '@council-conform/openapi';
import { createRng } from '@council-conform/synthetic-data';
import { BUDGET } from '@council-conform/test-budgets';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteTally } from '../src/support/byte-tally.ts';
import { DDMMYYYY } from '../src/support/ddmmyyyy.ts';
import { BATCH_BYTES, NdjsonRecordPipeline } from '../src/support/ndjson-pipeline.ts';
import { SortedIdSpill } from '../src/support/sorted-ids.ts';

const document: JsonObject = {
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {},
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, when: { type: 'string' } },
      },
    },
  },
};

const directory = mkdtempSync(join(tmpdir(), 'ndjson-pipeline-test-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** An export with every kind of line the analyser must tell apart, cut into chunks of random sizes. */
function awkwardExport(): Buffer {
  const rng = createRng('awkward-ndjson');
  const lines: (string | Buffer)[] = [];
  for (let n = 0; n < 12_000; n++) {
    const kind = rng.int(0, 99);
    if (kind < 85) {
      lines.push(`${JSON.stringify({ id: `t-${n}`, name: 'Thing é ✓'.repeat(rng.int(1, 40)) })}\n`);
    } else if (kind < 88)
      lines.push(`${JSON.stringify({ id: `t-${n}` })}\n`); // invalid: no name
    else if (kind < 90)
      lines.push('{"id": "broken\n'); // not JSON
    else if (kind < 92)
      lines.push('[1,2,3]\r\n'); // not an object
    else if (kind < 94)
      lines.push('   \n'); // blank
    else if (kind < 96) lines.push(`${JSON.stringify({ id: `t-${n}`, name: 'x', when: '31/12/2024' })}\r\n`);
    else if (kind < 97)
      lines.push(
        Buffer.concat([
          Buffer.from(`{"id":"t-${n}","name":"`),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}\n'),
        ]),
      );
    else {
      lines.push(
        `${JSON.stringify({ id: `t-${n}`, name: 'long'.repeat((rng.int(1, 3) * BATCH_BYTES) / 8) })}\n`,
      );
    }
  }
  lines.push(JSON.stringify({ id: 'last-without-newline', name: 'end' }));
  return Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(l) : l)));
}

/** The ids the fidelity sample asks for: one record in twenty of the first thousand. */
const KEEP = new Set(Array.from({ length: 50 }, (_, n) => `t-${n * 20}`));

/** Judges `bytes` fed in chunks of random sizes (or, with no seed, as one chunk). */
async function judge(bytes: Buffer, chunkSeed?: string) {
  const ids = new SortedIdSpill(() => directory, chunkSeed ?? 'whole', 1000);
  const sample = new Map<string, JsonObject>();
  const tally = new ByteTally();
  const pipeline = new NdjsonRecordPipeline({
    validator: createSchemaValidator(document),
    schemaPointer: '/components/schemas/Thing',
    idField: 'id',
    // The fidelity sample: the records whose ids the API sample drew.
    keep: KEEP,
    ids,
    sample,
    tally,
  });
  const rng = chunkSeed ? createRng(chunkSeed) : undefined;
  for (let at = 0; at < bytes.length; ) {
    const size = rng ? rng.int(1, 300_000) : bytes.length;
    pipeline.write(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  const totals = { ...pipeline.end(), ...tally.totals() };
  const sortedIds: string[] = [];
  for await (const id of ids.sorted()) sortedIds.push(id);
  return { totals, sortedIds, sample: [...sample.keys()] };
}

describe('NdjsonRecordPipeline', () => {
  it('judges a large awkward export the same however the network cuts it', {
    timeout: BUDGET.heavy,
  }, async () => {
    const bytes = awkwardExport();
    const inline = await judge(bytes);
    expect(await judge(bytes, 'chunks-a')).toEqual(inline);
    expect(await judge(bytes, 'chunks-b')).toEqual(inline);
    // And what it judged is right, not just consistent.
    expect(inline.totals.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(inline.totals.utf8).toBe(false);
    expect(inline.totals.invalidCount).toBeGreaterThan(500);
    expect(inline.totals.invalid).toHaveLength(10);
    expect(inline.totals.invalid[0]?.line).toBeGreaterThan(0);
    expect(inline.totals.ddmmyyyyDates).toBeGreaterThan(100);
    expect(inline.totals.ddmmyyyyDates).toBe(bytes.toString('utf8').match(DDMMYYYY)?.length);
    expect(inline.sortedIds).toContain('last-without-newline');
    // Every record the sample asked for that the file holds as an object, and nothing else.
    expect(inline.sample.length).toBeGreaterThan(30);
    expect(inline.sample.every((id) => KEEP.has(id))).toBe(true);
    // The shared date rule: each whole value 31/12/2024 is one date written day first.
    expect(inline.totals.dayFirstDates).toBe(bytes.toString('utf8').match(/"when":"31\/12\/2024"/g)?.length);
  });

  it('numbers lines from 1 across batches and finds a broken one exactly', {
    timeout: BUDGET.heavy,
  }, async () => {
    const good = (n: number) => `${JSON.stringify({ id: `g-${n}`, name: 'n'.repeat(500) })}\n`;
    const lines = Array.from({ length: 5_000 }, (_, n) => good(n));
    lines[4_321] = '{"id":"g-4321",\n';
    const result = await judge(Buffer.from(lines.join('')), 'chunks-c');
    expect(result.totals.records).toBe(5_000);
    expect(result.totals.utf8).toBe(true);
    expect(result.totals.invalid).toEqual([{ line: 4_322, message: expect.stringMatching(/^not JSON/) }]);
  });
});
