import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type GeneratedKeyPair, generateKeyPair, signReport } from '@council-conform/certificates';
import { publishSignedReport, writeOutputFile } from '@council-conform/cli';
import { type RunReport, readAttestation } from '@council-conform/runner';
import { EXAMPLE_ATTESTATION } from './demo-reference.ts';

/** One of the demo's runs, as the dashboard should show it. */
export interface DemoPublication {
  readonly name: string;
  readonly report: RunReport;
  /** Countersigned by the demo's certifier (certified), or signed by its supplier only (self-assessed). */
  readonly certify: boolean;
}

export interface PublishedDemo {
  readonly url: string;
  readonly published: readonly {
    readonly name: string;
    readonly status: string;
    readonly product: string;
    readonly productUrl: string;
    readonly signedPath: string;
  }[];
  readonly certifierPublicKey: string;
  /**
   * The demo's accounts and their credentials, so a newcomer can publish, review and import against the demo
   * dashboard: LOTI's administrator, a certifier, each supplier and each council whose register it imports.
   */
  readonly credentials: readonly DemoCredential[];
  /** Where the credentials were written (readable by the owner only). */
  readonly credentialsPath: string;
  /**
   * Publishes a scheduled run as LOTI's monitor does: signed by the certifier's key as evidence (so a run that
   * proves no level is kept too, never as a certificate) and published with the certifier's credential.
   */
  publishScheduled(report: RunReport): Promise<{ readonly status: string; readonly productUrl: string }>;
  close(): Promise<void>;
}

export interface DemoCredential {
  readonly kind: 'administrator' | 'certifier' | 'supplier' | 'council';
  readonly name: string;
  readonly councilCode?: string;
  readonly token: string;
}

/** A credential for one demo account: random, as LOTI would issue it, and gone when the demo stops. */
const demoToken = () => `ccd_${randomBytes(32).toString('base64url')}`;

const tokenOf = (credentials: readonly DemoCredential[], kind: DemoCredential['kind'], name?: string) => {
  const found = credentials.find((c) => c.kind === kind && (name === undefined || c.name === name));
  if (!found) throw new Error(`the demo has no ${kind} account${name ? ` for ${name}` : ''}`);
  return found.token;
};

export { tokenOf as demoTokenOf };

/**
 * The example attestation under another supplier's and product's name, so that each demo run is its own
 * product on the league table. Written as JSON, which is YAML too, beside the demo's reports.
 */
export async function writeDemoAttestation(
  outDir: string,
  name: string,
  supplier: string,
  product: string,
): Promise<string> {
  const example = await readAttestation(EXAMPLE_ATTESTATION);
  const path = join(outDir, 'attestations', `${name}.json`);
  await mkdir(join(outDir, 'attestations'), { recursive: true });
  await writeOutputFile(path, `${JSON.stringify({ ...example, supplier, product }, null, 2)}\n`);
  return path;
}

async function writeKeyPair(dir: string, name: string, pair: GeneratedKeyPair): Promise<void> {
  await writeOutputFile(join(dir, `${name}.key`), pair.privateKeyPem, { mode: 0o600 });
  await writeOutputFile(join(dir, `${name}.pub`), pair.publicKeyPem, { mode: 0o644 });
}

/**
 * Signs the demo's reports, each with its supplier's key and, where certified, countersigned by a demo
 * certifier's key; starts the dashboard on embedded PGlite, trusting that certifier and registering each
 * supplier's key; and publishes every report through the ingest API, as `conform publish` would. The keys
 * and signed reports stay in `outDir`, so `conform verify` can be tried on them.
 */
export async function publishDemoResults(
  outDir: string,
  runs: readonly DemoPublication[],
  options: {
    readonly port?: number;
    /** Councils (GSS code and name) given accounts, to import their own registers. */
    readonly councils?: readonly { readonly code: string; readonly name: string }[];
  } = {},
): Promise<PublishedDemo> {
  const { listenDashboard, openResultsStore } = await import('@council-conform/dashboard');
  const keysDir = join(outDir, 'keys');
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const certifier = generateKeyPair();
  await writeKeyPair(keysDir, 'demo-certifier', certifier);
  const supplierKeys = new Map<string, GeneratedKeyPair>();
  const signed: { name: string; supplier: string; path: string; bytes: Buffer }[] = [];
  for (const run of runs) {
    const supplier = run.report.attestation?.supplier;
    if (!supplier) throw new Error(`the demo run ${run.name} has no attestation to name its supplier`);
    let key = supplierKeys.get(supplier);
    if (!key) {
      key = generateKeyPair();
      supplierKeys.set(supplier, key);
      await writeKeyPair(keysDir, `supplier-${supplierKeys.size}`, key);
    }
    let signedReport = signReport(run.report, { privateKeyPem: key.privateKeyPem, role: 'supplier' });
    if (run.certify)
      signedReport = signReport(signedReport, { privateKeyPem: certifier.privateKeyPem, role: 'certifier' });
    const path = join(outDir, `${run.name}.signed.json`);
    const bytes = Buffer.from(`${JSON.stringify(signedReport, null, 2)}\n`);
    await writeOutputFile(path, bytes);
    signed.push({ name: run.name, supplier, path, bytes });
  }

  const credentials: DemoCredential[] = [
    { kind: 'administrator', name: 'LOTI administrator', token: demoToken() },
    { kind: 'certifier', name: 'Demo certifier', token: demoToken() },
    ...[...supplierKeys.keys()].map((name) => ({ kind: 'supplier' as const, name, token: demoToken() })),
    ...(options.councils ?? []).map((council) => ({
      kind: 'council' as const,
      name: council.name,
      councilCode: council.code,
      token: demoToken(),
    })),
  ];
  const credentialsPath = join(outDir, 'credentials.json');
  await writeOutputFile(credentialsPath, `${JSON.stringify({ credentials }, null, 2)}\n`, { mode: 0o600 });
  const [administrator, ...others] = credentials;
  const store = await openResultsStore();
  const dashboard = await listenDashboard({
    store,
    trustedKeys: [{ publicKeyPem: certifier.publicKeyPem, role: 'certifier', name: 'Demo certifier' }],
    administratorToken: administrator?.token as string,
    seedPrincipals: others.map(({ kind, name, councilCode, token }) => ({
      kind,
      name,
      token,
      ...(councilCode ? { councilCode } : {}),
    })),
    port: options.port ?? 0,
  });
  const call = async (path: string, token: string, body: unknown, what: string) => {
    const response = await fetch(new URL(path, dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`the dashboard refused ${what}: HTTP ${response.status} ${await response.text()}`);
  };
  const close = async () => {
    await dashboard.close();
    await store.close();
  };
  try {
    // Each supplier registers its own key, which waits for LOTI; the demo certifier approves it.
    for (const [supplier, key] of supplierKeys) {
      await call(
        '/api/suppliers/keys',
        tokenOf(credentials, 'supplier', supplier),
        { publicKeyPem: key.publicKeyPem },
        `${supplier}'s key`,
      );
      await call(
        '/api/keys/review',
        tokenOf(credentials, 'certifier'),
        { keyId: key.keyId, approve: true },
        `approving ${supplier}'s key`,
      );
    }
    // What `conform publish` does, saying which report the dashboard refused and why.
    const publish = async (bytes: Buffer, token: string, what: string) => {
      const outcome = await publishSignedReport(bytes, { to: dashboard.url, token });
      if (!outcome.published)
        throw new Error(
          `the dashboard refused ${what}: HTTP ${outcome.httpStatus} ${String(outcome.body.reason ?? '')} ${String(outcome.body.detail ?? '')}`,
        );
      const links = (outcome.body.links ?? {}) as { product?: string };
      return {
        status: String(outcome.body.status ?? ''),
        product: String(outcome.body.product ?? ''),
        productUrl: new URL(links.product ?? '/', dashboard.url).toString(),
      };
    };
    const published = [];
    // Each supplier publishes its own signed report, as `conform publish` does.
    for (const report of signed)
      published.push({
        name: report.name,
        ...(await publish(report.bytes, tokenOf(credentials, 'supplier', report.supplier), report.name)),
        signedPath: report.path,
      });
    const publishScheduled = (report: RunReport) =>
      publish(
        Buffer.from(
          `${JSON.stringify(signReport(report, { privateKeyPem: certifier.privateKeyPem, role: 'certifier', evidenceOnly: true }), null, 2)}\n`,
        ),
        tokenOf(credentials, 'certifier'),
        `a scheduled run of ${report.attestation?.product ?? 'a product'}`,
      );
    return {
      url: dashboard.url,
      published,
      publishScheduled,
      certifierPublicKey: join(keysDir, 'demo-certifier.pub'),
      credentials,
      credentialsPath,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
