import { expect } from 'vitest';
import { createMockSupplier, type MockSupplier } from '../src/index.ts';
import { clientFor, getPath } from './client.ts';

type Client = ReturnType<typeof clientFor>;
interface ProbeContext {
  readonly client: Client;
  readonly supplier: MockSupplier;
  readonly token: string;
}

/** A street report created through Open311's POST, its id read from the one-element acknowledgement. */
async function createReport(client: Client, token: string, description: string): Promise<string> {
  const response = await client.call('/requests.json', {
    method: 'POST',
    token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service_code: 'POT', lat: 51.54321, long: -0.055123, description }),
  });
  expect(response.status).toBe(200);
  const [ack] = (await response.json()) as { service_request_id: string }[];
  return ack!.service_request_id;
}

async function exportedIds(client: Client, token: string, dataset: string, field: string) {
  const started = await client.call('/exports', { method: 'POST', token });
  const job = (await (await client.call(started.headers.get('location')!, { token })).json()) as {
    manifest: { files: { dataset: string; format: string; url: string }[] };
  };
  const file = job.manifest.files.find((f) => f.dataset === dataset && f.format === 'ndjson')!;
  const text = await (await client.call(file.url, { token })).text();
  return text
    .trim()
    .split('\n')
    .map((line) => String((JSON.parse(line) as Record<string, unknown>)[field]));
}

/** What each write fault visibly changes (packages/mocks/test/faults.test.ts runs them with the others). */
export const WRITE_FAULT_PROBES = {
  'write-create-drops-field': async ({ client, supplier, token }: ProbeContext) => {
    const id = await createReport(client, token, 'Pothole by the bus stop, made by a probe.');
    const [record] = (await (await client.call(getPath(supplier, 'service_requests', id))).json()) as {
      description?: string;
    }[];
    expect(record!.description).toBeUndefined();
  },
  'write-update-not-exported': async ({ client, token }: ProbeContext) => {
    const id = await createReport(client, token, 'Pothole, updated by a probe.');
    const response = await client.call('/servicerequestupdates.json', {
      method: 'POST',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service_request_id: id,
        update_id: 'probe-1',
        status: 'OPEN',
        updated_datetime: '2026-12-07T10:00:00Z',
        description: 'Still there, says a probe.',
      }),
    });
    expect(response.status).toBe(200);
    const [ack] = (await response.json()) as { update_id: string }[];
    const read = await client.call(`/servicerequestupdates/${encodeURIComponent(ack!.update_id)}.json`);
    expect(read.status).toBe(200);
    expect(await exportedIds(client, token, 'service_request_updates', 'update_id')).not.toContain(
      ack!.update_id,
    );
  },
  'write-readable-by-other-tenant': async ({ supplier }: ProbeContext) => {
    // Street reports are public; a repair request is a tenant's own.
    const repairs = await createMockSupplier('housing-repairs', { faults: [...supplier.faults] });
    const client = clientFor(repairs);
    const [mine, theirs] = [await client.token(0), await client.token(1)];
    const property = (await repairs.records('properties'))[0]!;
    const created = await client.call('/repair-requests', {
      method: 'POST',
      token: mine,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        property_id: property.id,
        description_of_work: 'Kitchen tap leaking, reported by a probe.',
        priority: { code: '3' },
        work_class: { code: '0' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await client.call(getPath(repairs, 'repair_requests', id), { token: theirs })).status).toBe(200);
  },
};
