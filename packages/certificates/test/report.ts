import type { RunReport } from '@council-conform/runner';

/**
 * A small run report shaped like the ones `conform run` writes: typed against the runner's RunReport, so the
 * fixture breaks when the report does. Returns a fresh copy each time, for tests that change it.
 */
export function runReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    reportVersion: '2.0.0',
    runner: { name: 'council-conform', version: '0.1.0' },
    profile: {
      id: 'street-reports',
      version: '1.0.0',
      sha256: '44b6eaac0216dbdb95dd6bdd1bf1ce90832f9329422e559f2170d1f2bbf47c5c',
    },
    target: {
      url: 'https://supplier.example/api',
      mode: 'sandbox',
      features: ['createServiceRequestUpdate'],
    },
    startedAt: '2026-03-02T09:00:00.000Z',
    finishedAt: '2026-03-02T09:04:12.345Z',
    durationMs: 252345,
    requests: 412,
    preflight: [
      { step: 'reachability', ok: true },
      { step: 'TLS', ok: true, warning: true, message: 'certificate expires in 20 days' },
    ],
    checks: [
      {
        id: 'description-discoverable',
        clause: 'open-api',
        severity: 'must',
        title: 'The OpenAPI description is served',
        durationMs: 31.5,
        status: 'pass',
        message: 'served at /openapi.json (OpenAPI 3.1.0)',
        exchangeIds: ['x1'],
      },
      {
        id: 'personal-data-requires-token',
        clause: 'personal-data',
        severity: 'must',
        title: 'Personal data needs a token',
        durationMs: 12,
        status: 'pass',
        message: 'every personal endpoint answered 401 without a token',
        data: { endpoints: 3, sampled: 0.25 },
      },
    ],
    clauses: [
      {
        id: 'open-api',
        number: 1,
        title: 'Open, documented API',
        assessment: 'automated',
        status: 'pass',
        automated: { status: 'pass', checks: ['description-discoverable'] },
      },
      {
        id: 'inclusion',
        number: 7,
        title: 'Inclusive by design',
        assessment: 'attested',
        status: 'attested',
        attested: {
          statement: 'WCAG 2.2 AA audit, “no issues” — see the statement',
          evidence: ['https://x.example/a11y'],
        },
      },
    ],
    level: 'silver',
    levelProvisional: false,
    certifiable: true,
    certifiableReasons: [],
    notJudged: [],
    sampling: { seed: '5eed0f1a2b3c4d5e' },
    attestation: {
      supplier: 'Example Civic Software Ltd',
      product: 'Example Street Reports 4.2',
      signedBy: { name: 'Ada Lovelace', role: 'CTO' },
      date: '2026-03-01',
      statements: [{ clause: 'inclusion', statement: 'WCAG 2.2 AA audit, “no issues” — see the statement' }],
    },
    exchanges: [
      {
        id: 'x1',
        startedAt: '2026-03-02T09:00:01.000Z',
        durationMs: 14.25,
        request: {
          method: 'GET',
          url: 'https://supplier.example/api/openapi.json',
          headers: { accept: '*/*' },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          bytes: 1824,
          bodyPreview: '{"openapi":"3.1.0"}',
        },
      },
    ],
    ...overrides,
  };
}
