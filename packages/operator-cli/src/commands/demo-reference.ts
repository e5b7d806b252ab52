import { join, resolve } from 'node:path';
import { type CliIo, conformRun, type RunOutcome, type RunSettings } from '@council-conform/cli';
import { createPrivateCa, type PrivateCa } from '@council-conform/private-ca';
import type { RunReport } from '@council-conform/runner';

/** The example supplier attestation every demo run carries. */
export const EXAMPLE_ATTESTATION = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'docs',
  'examples',
  'attestation.yaml',
);
const ROUND_TRIP_TENANTS = {
  CONFORM_TENANT_A_CLIENT_ID: 'demo-round-trip-a',
  CONFORM_TENANT_A_CLIENT_SECRET: 'demo-round-trip-secret-a',
  CONFORM_TENANT_B_CLIENT_ID: 'demo-round-trip-b',
  CONFORM_TENANT_B_CLIENT_SECRET: 'demo-round-trip-secret-b',
};

/** The demo's own CA: every server the demo judges serves https with a certificate it signed. */
export function createDemoCa(): PrivateCa {
  return createPrivateCa({ name: 'Council Conform demo CA' });
}

export interface ReferenceCertification extends RunOutcome {
  /** Where the reference server ran: `container` when an engine was there, `in-process` otherwise. */
  readonly where: 'container' | 'in-process';
  readonly fallbackReason?: string;
}

/** What the demo says while the reference server starts: in plain words, with the developer's detail apart. */
export type PhaseListener = (what: string, detail?: string) => void;

/** A running reference server, ready to be judged as many times as asked. */
export interface ReferenceTarget {
  readonly where: 'container' | 'in-process';
  readonly fallbackReason?: string;
  /** One `conform run` against it, writing `outputs` (none for a scheduled run, as the monitor's). */
  run(attestationPath: string, outputs: RunSettings['outputs']): Promise<RunOutcome>;
}

/**
 * Starts the reference server over https, with a certificate from `ca` that the runs trust: its image in a
 * throwaway container when a container engine answers, the same server in this process when none does;
 * hands it to `use`, then stops it. Either way the easy-exit round trip goes into a second, empty reference
 * server in this process, on plain http.
 */
export async function withReferenceServer<T>(
  io: CliIo,
  profile: string,
  ca: PrivateCa,
  onPhase: PhaseListener,
  use: (target: ReferenceTarget) => Promise<T>,
): Promise<T> {
  const { buildReferenceServerImage, listenReferenceServer, readConfig, REFERENCE_IMAGE } = await import(
    '@council-conform/reference-server'
  );
  const { containerEngine, startSupplierContainer } = await import('@council-conform/containers');
  const { createMemoryRecordStore, openRecordStore } = await import('@council-conform/storage');
  const { loadSpec } = await import('@council-conform/specs');
  const { resolveRunConfig } = await import('@council-conform/runner');
  const { planContainerRun, withContainer } = await import('@council-conform/cli');
  const features = (await loadSpec(profile)).profile.operations.optional;
  const roundTrip = await listenReferenceServer(
    readConfig({ PORT: '0', CONFORM_SEED: 'none', CONFORM_RATE_LIMIT: '10000', ...ROUND_TRIP_TENANTS }),
    createMemoryRecordStore(),
  );
  const runOn =
    (
      target: string,
      tenants: Record<string, string>,
      trust: string | undefined,
      decorate?: (r: RunReport) => RunReport,
    ) =>
    (attestationPath: string, outputs: RunSettings['outputs']) =>
      conformRun(
        {
          profile,
          config: resolveRunConfig({
            target,
            credentials: {
              clientId: tenants.CONFORM_TENANT_A_CLIENT_ID as string,
              clientSecret: tenants.CONFORM_TENANT_A_CLIENT_SECRET as string,
            },
            secondTenant: {
              clientId: tenants.CONFORM_TENANT_B_CLIENT_ID as string,
              clientSecret: tenants.CONFORM_TENANT_B_CLIENT_SECRET as string,
            },
            features,
            mode: 'sandbox',
            requestsPerSecond: 250,
            requestTimeoutMs: 10_000,
            runBudgetMs: 300_000,
            maxRetryAfterMs: 2_000,
            roundTrip: {
              target: `${roundTrip.url}/${profile}`,
              credentials: {
                clientId: ROUND_TRIP_TENANTS.CONFORM_TENANT_A_CLIENT_ID,
                clientSecret: ROUND_TRIP_TENANTS.CONFORM_TENANT_A_CLIENT_SECRET,
              },
            },
            ...(trust ? { tls: { ca: trust } } : {}),
          }),
          attestationPath,
          outputs,
          dryRun: false,
        },
        io,
        { progress: false, summary: false, ...(decorate ? { decorate } : {}) },
      );
  try {
    const engine = await containerEngine();
    if (engine.available) {
      onPhase(
        "building the reference supplier's container",
        `FROM-scratch image ${REFERENCE_IMAGE}, started through testcontainers`,
      );
      await buildReferenceServerImage(REFERENCE_IMAGE);
      onPhase("starting the reference supplier's container");
      const plan = planContainerRun({ basePath: '/{profile}' }, profile, ca);
      const container = await startSupplierContainer({
        image: REFERENCE_IMAGE,
        env: plan.env,
        tls: { ca: plan.caCertificatePem },
      });
      try {
        return await use({
          where: 'container',
          run: runOn(
            `${container.url}/${profile}`,
            plan.env,
            container.protocol === 'https' ? plan.caCertificatePem : undefined,
            withContainer(REFERENCE_IMAGE, container, plan.secrets),
          ),
        });
      } finally {
        await container.stop();
      }
    }
    onPhase(
      'starting the reference server on this computer (no container engine here)',
      `${engine.reason}; the server runs in this process on embedded PGlite`,
    );
    const store = await openRecordStore();
    const tenants = {
      CONFORM_TENANT_A_CLIENT_ID: 'demo-a',
      CONFORM_TENANT_A_CLIENT_SECRET: 'demo-secret-a-in-process',
      CONFORM_TENANT_B_CLIENT_ID: 'demo-b',
      CONFORM_TENANT_B_CLIENT_SECRET: 'demo-secret-b-in-process',
    };
    const issued = ca.issueServerCertificate({ hosts: ['127.0.0.1', 'localhost'] });
    const server = await listenReferenceServer(
      readConfig({
        PORT: '0',
        ...tenants,
        CONFORM_TLS_CERT: issued.certificatePem,
        CONFORM_TLS_KEY: issued.keyPem,
      }),
      store,
    );
    try {
      return await use({
        where: 'in-process',
        ...(engine.reason ? { fallbackReason: engine.reason } : {}),
        run: runOn(`${server.url}/${profile}`, tenants, ca.certificatePem),
      });
    } finally {
      await server.close();
      await store.close();
    }
  } finally {
    await roundTrip.close();
  }
}

/** The demo's certification of the reference server: one run that writes its reports into `outDir`. */
export async function certifyReferenceServer(
  io: CliIo,
  outDir: string,
  profile: string,
  attestationPath: string = EXAMPLE_ATTESTATION,
  ca: PrivateCa = createDemoCa(),
  onPhase: PhaseListener = () => undefined,
): Promise<ReferenceCertification> {
  const outputs = {
    json: join(outDir, 'reference-server.json'),
    html: join(outDir, 'reference-server.html'),
    markdown: join(outDir, 'reference-server.md'),
  };
  return withReferenceServer(io, profile, ca, onPhase, async (target) => {
    onPhase('checking the reference server');
    const outcome = await target.run(attestationPath, outputs);
    return {
      ...outcome,
      where: target.where,
      ...(target.fallbackReason ? { fallbackReason: target.fallbackReason } : {}),
    };
  });
}
