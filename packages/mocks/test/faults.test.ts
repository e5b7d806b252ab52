import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createMockSupplier,
  FAULT_IDS,
  FAULTS,
  type FaultId,
  getFault,
  type MockSupplier,
} from '../src/index.ts';
import { clientFor, getPath, listPath, readAllPages } from './client.ts';
import { EXPLORE_FAULT_PROBES } from './explore-fault-probes.ts';
import { handshake, plainGet, withTlsServer } from './tls-server.ts';
import { WRITE_FAULT_PROBES } from './write-fault-probes.ts';

// One spec with public array lists and a personal cursor-paged dataset exercises every fault.
const SPEC = 'street-reports';
const PUBLIC = 'service_requests';
const PERSONAL = 'reporters';

type Client = ReturnType<typeof clientFor>;
type Probe = (ctx: { client: Client; supplier: MockSupplier; token: string }) => Promise<void>;

async function exportManifest(client: Client, token: string) {
  const started = await client.call('/exports', { method: 'POST', token });
  if (started.status !== 202) return { started, manifest: undefined, job: undefined };
  const job = (await client.json(started.headers.get('location')!, { token })).body as {
    status: string;
    manifest?: {
      files: {
        dataset: string;
        format: string;
        mediaType: string;
        url: string;
        sha256: string;
        records: number;
        bytes: number;
      }[];
    };
  };
  return { started, manifest: job.manifest, job };
}

async function fileBytes(client: Client, token: string, url: string) {
  return Buffer.from(await (await client.call(url, { token })).arrayBuffer());
}

async function firstPublicRecordText(client: Client, supplier: MockSupplier) {
  const record = (await supplier.records(PUBLIC))[0]!;
  return (await client.call(getPath(supplier, PUBLIC, String(record.service_request_id)))).text();
}

/** What each fault visibly changes; every catalogue entry must have one. */
const PROBES: Record<FaultId, Probe> = {
  'export-payment-required': async ({ client, token }) => {
    expect((await client.call('/exports', { method: 'POST', token })).status).toBe(402);
  },
  'export-contact-sales': async ({ client, token }) => {
    const response = await client.call('/exports', { method: 'POST', token });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/account manager/);
  },
  'export-omits-records': async ({ client, supplier, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.dataset === PERSONAL && f.format === 'ndjson')!;
    expect(file.records).toBeLessThan((await supplier.records(PERSONAL)).length);
    expect((await fileBytes(client, token, file.url)).toString().trim().split('\n')).toHaveLength(
      file.records,
    );
  },
  'export-extra-records': async ({ client, supplier, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.dataset === PERSONAL && f.format === 'ndjson')!;
    expect(file.records).toBeGreaterThan((await supplier.records(PERSONAL)).length);
  },
  'export-manifest-count-lies': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.format === 'ndjson')!;
    const lines = (await fileBytes(client, token, file.url)).toString().trim().split('\n').length;
    expect(file.records).toBe(lines + 7);
  },
  'export-manifest-checksum-lies': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files[0]!;
    const actual = createHash('sha256')
      .update(await fileBytes(client, token, file.url))
      .digest('hex');
    expect(actual).not.toBe(file.sha256);
  },
  'export-proprietary-format-only': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    expect(new Set(manifest!.files.map((f) => f.format))).toEqual(new Set(['xlsx']));
  },
  'export-stale-snapshot': async ({ client, supplier, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.dataset === PERSONAL && f.format === 'ndjson')!;
    const first = JSON.parse((await fileBytes(client, token, file.url)).toString().split('\n')[0]!) as {
      id: string;
      modified_at: string;
    };
    const live = (await supplier.records(PERSONAL)).find((r) => r.id === first.id)!;
    expect(first.modified_at).not.toBe(live.modified_at);
  },
  'export-csv-omits-records': async ({ client, supplier, token }) => {
    const { manifest } = await exportManifest(client, token);
    const csv = manifest!.files.find((f) => f.dataset === PERSONAL && f.format === 'csv')!;
    const ndjson = manifest!.files.find((f) => f.dataset === PERSONAL && f.format === 'ndjson')!;
    const total = (await supplier.records(PERSONAL)).length;
    // The NDJSON file is whole; the CSV drops rows, and its manifest entry says so honestly.
    expect(ndjson.records).toBe(total);
    expect(csv.records).toBeLessThan(total);
    const rows = (await fileBytes(client, token, csv.url)).toString().trim().split('\r\n').length - 1;
    expect(rows).toBe(csv.records);
  },
  'export-never-finishes': async ({ client, token }) => {
    const { job } = await exportManifest(client, token);
    expect(job!.status).not.toBe('complete');
  },
  'export-truncated-file': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.format === 'ndjson')!;
    const bytes = await fileBytes(client, token, file.url);
    expect(bytes.length).toBeLessThan(file.bytes);
    const lines = bytes.toString().split('\n');
    expect(() => JSON.parse(lines[lines.length - 1]!)).toThrow();
  },
  'export-invalid-utf8': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const bytes = await fileBytes(client, token, manifest!.files[0]!.url);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  },
  'export-csv-broken-quoting': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.dataset === PUBLIC && f.format === 'csv')!;
    const text = (await fileBytes(client, token, file.url)).toString();
    const header = text.split('\r\n')[0]!.split(',').length;
    // Unquoted commas inside cells give rows more fields than the header.
    expect(
      text
        .split('\r\n')
        .slice(1, -1)
        .some((row) => row.split(',').length !== header),
    ).toBe(true);
    expect(text).not.toContain('"');
  },
  'export-ddmmyyyy-dates': async ({ client, token }) => {
    const { manifest } = await exportManifest(client, token);
    const file = manifest!.files.find((f) => f.dataset === PUBLIC && f.format === 'ndjson')!;
    expect((await fileBytes(client, token, file.url)).toString()).toMatch(/"\d{2}\/\d{2}\/\d{4}/);
  },
  'public-endpoint-requires-token': async ({ client, supplier }) => {
    expect((await client.call(listPath(supplier, PUBLIC))).status).toBe(401);
  },
  'public-no-cors': async ({ client, supplier }) => {
    const response = await client.call(listPath(supplier, PUBLIC));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  },
  'no-licence': async ({ client, supplier }) => {
    const response = await client.call(listPath(supplier, PUBLIC));
    expect(response.headers.get('link')).not.toContain('rel="license"');
    const description = (await client.json('/openapi.json')).body as { info: Record<string, unknown> };
    expect(description.info.license).toBeUndefined();
  },
  'personal-endpoint-open': async ({ client, supplier }) => {
    expect((await client.call(listPath(supplier, PERSONAL))).status).toBe(200);
  },
  'personal-bad-token-accepted': async ({ client, supplier }) => {
    expect((await client.call(listPath(supplier, PERSONAL), { token: 'made-up' })).status).toBe(200);
  },
  'cross-tenant-readable': async ({ client, supplier, token }) => {
    const other = (await supplier.records(PERSONAL, supplier.tenants[1]!.id))[0]!;
    expect((await client.call(getPath(supplier, PERSONAL, String(other.id)), { token })).status).toBe(200);
  },
  'cross-tenant-deep-records': async ({ client, supplier, token }) => {
    const theirs = await supplier.records(PERSONAL, supplier.tenants[1]!.id);
    const status = async (id: unknown) =>
      (await client.call(getPath(supplier, PERSONAL, String(id)), { token })).status;
    // The other council's first records are refused; those further down are not.
    expect(await status(theirs[0]!.id)).toBe(404);
    expect(await status(theirs[theirs.length - 1]!.id)).toBe(200);
  },
  'personal-data-in-public-response': async ({ client, supplier }) => {
    expect(await firstPublicRecordText(client, supplier)).toMatch(/07700 900123.*@example\.org.*JC123456C/);
  },
  'personal-query-parameter': async ({ client }) => {
    const description = (await client.json('/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name?: string }[] } }>;
    };
    const names = Object.values(description.paths).flatMap((item) =>
      (item.get?.parameters ?? []).map((p) => p.name),
    );
    expect(names).toContain('resident_email');
  },
  'advert-markup': async ({ client, supplier }) => {
    expect(await firstPublicRecordText(client, supplier)).toMatch(
      /<script src=\\"https:\/\/www\.googletagmanager\.com\/gtag/,
    );
  },
  'http-without-tls-redirect': async ({ supplier }) => {
    // A transport fault: the server served with a certificate answers plain http instead of redirecting.
    await withTlsServer(supplier, async (server) => {
      expect((await plainGet(server, '/openapi.json')).status).toBe(200);
    });
  },
  'no-hsts': async ({ supplier }) => {
    const client = clientFor(supplier, 'https://api.example.gov.uk');
    expect((await client.call('/openapi.json')).headers.get('strict-transport-security')).toBeNull();
  },
  'tls-legacy-versions': async ({ supplier }) => {
    await withTlsServer(supplier, async (server) => {
      expect(await handshake(server, { min: 'TLSv1', max: 'TLSv1.1' })).toMatch(/^TLSv1(\.1)?$/);
    });
  },
  'credentials-in-query-accepted': async ({ client, supplier, token }) => {
    expect((await client.call(`${listPath(supplier, PERSONAL)}?access_token=${token}`)).status).toBe(200);
  },
  'html-errors-with-stack-trace': async ({ client, supplier }) => {
    const response = await client.call(getPath(supplier, PUBLIC, 'missing-1'));
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toMatch(/at .*\.js:\d+:\d+/);
  },
  'write-without-token': async ({ client }) => {
    const response = await client.call('/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'service_code=POTHOLE&lat=51.55&long=-0.055&description=Deep%20pothole',
    });
    // Accepted, not merely "not 401": a 429 from an earlier burst must not pass for the fault.
    expect(response.status, await response.text()).toBeLessThan(300);
  },
  'no-rate-limit': async ({ client }) => {
    const burst = await Promise.all(
      Array.from({ length: 80 }, () => client.call('/.well-known/security.txt')),
    );
    expect(burst.every((r) => r.status === 200)).toBe(true);
  },
  'inconsistent-error-shape': async ({ client, supplier, token }) => {
    const byId = await client.call(getPath(supplier, PERSONAL, 'missing-1'), { token });
    expect(byId.headers.get('content-type')).toContain('application/json');
    const other = await client.call('/exports/exp_nonexistent1', { token });
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  },
  'inconsistent-pagination': async ({ client, supplier, token }) => {
    const { body } = await client.json(`${listPath(supplier, PERSONAL)}?limit=5`, { token });
    expect(Array.isArray(body)).toBe(true);
  },
  'description-undocumented-errors': async ({ client }) => {
    const description = (await client.json('/openapi.json')).body as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const codes = Object.values(description.paths).flatMap((item) =>
      Object.values(item).flatMap((operation) => Object.keys(operation.responses ?? {})),
    );
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((code) => /^[45]/.test(code))).toEqual([]);
  },
  'optional-operation-pretends': async ({ client, token }) => {
    const response = await client.call('/imports/imp_absent1', { token });
    expect(response.status).toBe(200);
  },
  'non-semantic-version': async ({ client }) => {
    const description = (await client.json('/openapi.json')).body as { info: Record<string, unknown> };
    expect(description.info.version).toBe('2024 release');
    expect(description.info['x-changelog']).toBeUndefined();
  },
  'no-changelog': async ({ client }) => {
    const response = await client.call('/openapi.json');
    const description = (await response.json()) as { info: Record<string, unknown> };
    expect(description.info['x-changelog']).toBeUndefined();
    expect(response.headers.get('x-api-version')).toBeNull();
  },
  'deprecated-without-sunset': async ({ client }) => {
    const description = (await client.json('/openapi.json')).body as {
      paths: Record<string, { get?: { deprecated?: boolean } }>;
    };
    const [legacyPath] = Object.entries(description.paths).find(([, item]) => item.get?.deprecated) ?? [];
    expect(legacyPath).toBeDefined();
    const response = await client.call(legacyPath!);
    expect(response.status).toBe(200);
    expect(response.headers.get('sunset')).toBeNull();
  },
  'deprecation-not-dated': async ({ client }) => {
    const description = (await client.json('/openapi.json')).body as {
      paths: Record<string, { get?: { deprecated?: boolean } }>;
    };
    const [legacyPath] = Object.entries(description.paths).find(([, item]) => item.get?.deprecated) ?? [];
    const response = await client.call(legacyPath!);
    expect(response.headers.get('deprecation')).toBe('true');
    expect(response.headers.get('sunset')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  },
  'dates-ddmmyyyy': async ({ client, supplier }) => {
    expect(await firstPublicRecordText(client, supplier)).toMatch(/"\d{2}\/\d{2}\/\d{4}/);
  },
  'uprn-with-spaces': async ({ client, supplier, token }) => {
    const text = await (await client.call(`${listPath(supplier, PUBLIC)}`, { token })).text();
    expect(text).toMatch(/"uprn":"\d{4} \d{4}/);
  },
  'invalid-gss-code': async ({ supplier }) => {
    // Street reports carry no area codes; the service directory does.
    const directory = await createMockSupplier('service-directory', { faults: [...supplier.faults] });
    const text = await (await clientFor(directory).call(listPath(directory, 'services'))).text();
    expect(text).toMatch(/LBC-\d{3}/);
    expect(text).not.toMatch(/"E09\d{6}"/);
  },
  'errors-not-problem-json': async ({ client, supplier }) => {
    const response = await client.call(getPath(supplier, PUBLIC, 'missing-1'));
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ message: expect.any(String) });
  },
  'non-utf8-json': async ({ client, supplier }) => {
    const record = (await supplier.records(PUBLIC))[0]!;
    const bytes = Buffer.from(
      await (await client.call(getPath(supplier, PUBLIC, String(record.service_request_id)))).arrayBuffer(),
    );
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
  },
  'pagination-loops': async ({ client, supplier, token }) => {
    await expect(readAllPages(client, `${listPath(supplier, PERSONAL)}?limit=40`, token)).rejects.toThrow(
      /pagination loop/,
    );
  },
  'pagination-breaks-midway': async ({ client, supplier, token }) => {
    await expect(readAllPages(client, `${listPath(supplier, PERSONAL)}?limit=40`, token)).rejects.toThrow(
      /500/,
    );
  },
  'description-missing': async ({ client }) => {
    expect((await client.call('/openapi.json')).status).toBe(404);
  },
  'description-not-openapi': async ({ client }) => {
    const response = await client.call('/openapi.json');
    expect(response.headers.get('content-type')).toContain('text/html');
  },
  'description-lies-about-shape': async ({ client, supplier }) => {
    const description = (await client.json('/openapi.json')).body as {
      components: { schemas: Record<string, { required: string[] }> };
    };
    const schemaName = supplier.spec.profile.datasets[0]!.schema;
    expect(description.components.schemas[schemaName]!.required).toContain('supplier_reference');
  },
  'nonstandard-field-names': async ({ client, supplier }) => {
    expect(await firstPublicRecordText(client, supplier)).toMatch(/"lastModified":/);
    expect(await firstPublicRecordText(client, supplier)).not.toMatch(/"modified_at":/);
  },
  'description-missing-operations': async ({ client, supplier }) => {
    const description = (await client.json('/openapi.json')).body as {
      paths: Record<string, { get?: { operationId?: string } }>;
    };
    const getOp = supplier.spec.profile.datasets[0]!.get;
    expect(Object.values(description.paths).some((item) => item.get?.operationId === getOp)).toBe(false);
  },
  ...WRITE_FAULT_PROBES,
  ...EXPLORE_FAULT_PROBES,
};

describe('the fault catalogue', () => {
  it('gives every fault a clause and a one-line story', () => {
    expect(new Set(FAULT_IDS).size).toBe(FAULTS.length);
    for (const fault of FAULTS) expect(fault.story.length, fault.id).toBeGreaterThan(20);
    expect(() => getFault('export-is-slow')).toThrow(/not a fault in the catalogue/);
  });

  it('has a probe for every fault and no probe for a fault it lacks', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...FAULT_IDS].sort());
  });
});

describe.each(FAULT_IDS.map((id) => [id]))('fault %s', (faultId) => {
  it('changes the behaviour it describes', async () => {
    const supplier = await createMockSupplier(SPEC, { faults: [faultId] });
    const client = clientFor(supplier);
    const token = await client.token();
    await PROBES[faultId]({ client, supplier, token });
  });
});

describe('the conformant mock, for contrast', () => {
  it('passes none of the probes that show a fault', async () => {
    const supplier = await createMockSupplier(SPEC);
    const client = clientFor(supplier);
    const token = await client.token();
    const caught: string[] = [];
    for (const faultId of FAULT_IDS) {
      try {
        await PROBES[faultId]({ client, supplier, token });
        caught.push(faultId);
      } catch {
        // The probe failing on the conformant mock is the point.
      }
    }
    expect(caught).toEqual([]);
  });
});
