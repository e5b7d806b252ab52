import { CHECKS, loadReference } from '@council-conform/checks';
import { type RunReport, resolveRunConfig, runConformance } from '@council-conform/runner';
import type { RecordStore } from '@council-conform/storage';
import { BUDGET } from '@council-conform/test-budgets';
import { readConfig } from '../src/config.ts';
import { listenReferenceServer, type RunningReferenceServer } from '../src/server.ts';

export const TENANT_ENV = {
  CONFORM_TENANT_A_CLIENT_ID: 'council-a',
  CONFORM_TENANT_A_CLIENT_SECRET: 'a-secret-of-twenty-four-chars',
  CONFORM_TENANT_B_CLIENT_ID: 'council-b',
  CONFORM_TENANT_B_CLIENT_SECRET: 'b-secret-of-twenty-four-chars',
};

/** A bearer token for one of the test tenants, through the spec's own token endpoint over real HTTP. */
export async function tenantToken(specUrl: string, tenant: 'A' | 'B'): Promise<string> {
  const answer = await fetch(`${specUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: TENANT_ENV[`CONFORM_TENANT_${tenant}_CLIENT_ID`],
      client_secret: TENANT_ENV[`CONFORM_TENANT_${tenant}_CLIENT_SECRET`],
    }),
  });
  if (answer.status !== 200)
    throw new Error(`no token for tenant ${tenant}: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { access_token: string }).access_token;
}

export function testConfig(extra: Record<string, string> = {}) {
  return readConfig({ PORT: '0', CONFORM_RATE_LIMIT: '400', ...TENANT_ENV, ...extra });
}

export async function startTestServer(
  store: RecordStore,
  extra: Record<string, string> = {},
): Promise<RunningReferenceServer> {
  return listenReferenceServer(testConfig(extra), store);
}

/**
 * A sandbox run of every check against one spec of a served reference server, round trip included; `ca` is
 * the PEM of a CA the run trusts, for a server on https with a private CA's certificate.
 */
export async function runAgainstReference(
  specId: string,
  server: RunningReferenceServer,
  roundTrip: RunningReferenceServer,
  ca?: string,
): Promise<RunReport> {
  const { reference, personalFields } = await loadReference(specId);
  const supplier = server.server.suppliers.get(specId);
  if (!supplier) throw new Error(`no ${specId} on the server`);
  const config = resolveRunConfig({
    target: `${server.url}/${specId}`,
    credentials: {
      clientId: TENANT_ENV.CONFORM_TENANT_A_CLIENT_ID,
      clientSecret: TENANT_ENV.CONFORM_TENANT_A_CLIENT_SECRET,
    },
    secondTenant: {
      clientId: TENANT_ENV.CONFORM_TENANT_B_CLIENT_ID,
      clientSecret: TENANT_ENV.CONFORM_TENANT_B_CLIENT_SECRET,
    },
    features: supplier.features,
    mode: 'sandbox',
    requestsPerSecond: 250,
    requestTimeoutMs: BUDGET.request,
    runBudgetMs: BUDGET.realRun,
    maxRetryAfterMs: 2_000,
    exportBudgetMs: BUDGET.realRun,
    ...(ca ? { tls: { ca } } : {}),
    roundTrip: {
      target: `${roundTrip.url}/${specId}`,
      credentials: {
        clientId: TENANT_ENV.CONFORM_TENANT_A_CLIENT_ID,
        clientSecret: TENANT_ENV.CONFORM_TENANT_A_CLIENT_SECRET,
      },
    },
  });
  return runConformance({
    config,
    reference,
    checks: CHECKS,
    personalFields,
    runner: { name: 'council-conform', version: 'test' },
  });
}

export { badMustChecks } from '@council-conform/checks/testing';
