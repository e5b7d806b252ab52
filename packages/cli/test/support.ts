import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createSelfSignedCertificate,
  type MockSupplier,
  serveMockWithRoundTrip,
} from '@council-conform/mocks';

export { capture } from '../src/testing.ts';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/**
 * `conform run` arguments for a sandbox run of street-reports against a served mock: both tenants on client
 * credentials given on argv, the example attestation, every feature the mock offers, the report to `report`.
 */
export function mockRunArgs(supplier: MockSupplier, url: string, report: string): string[] {
  const [a, b] = supplier.tenants;
  return [
    'run',
    '--profile',
    'street-reports',
    '--target',
    url,
    '--mode',
    'sandbox',
    '--client-id',
    a!.clientId,
    '--client-secret',
    a!.clientSecret,
    '--second-client-id',
    b!.clientId,
    '--second-client-secret',
    b!.clientSecret,
    '--rps',
    '250',
    '--attestation',
    join(repoRoot, 'docs', 'examples', 'attestation.yaml'),
    '--report',
    report,
    ...supplier.features.flatMap((feature) => ['--feature', feature]),
  ];
}

/**
 * The conformant street-reports mock served as a certifiable run needs it: over https with a throwaway
 * certificate (written to `dir` for --ca-file), with an empty twin to carry its export to. The flags to add
 * to `mockRunArgs` come with it.
 */
export async function serveCertifiableMock(dir: string): Promise<{
  supplier: MockSupplier;
  url: string;
  certifiableArgs: string[];
  close(): Promise<void>;
}> {
  const tls = await createSelfSignedCertificate();
  const served = await serveMockWithRoundTrip('street-reports', [], { tls });
  const caFile = join(dir, 'mock-ca.pem');
  await writeFile(caFile, tls.cert);
  const roundTrip = served.runTarget.roundTrip;
  return {
    supplier: served.supplier,
    url: served.url,
    certifiableArgs: [
      '--ca-file',
      caFile,
      '--round-trip',
      roundTrip.target,
      '--round-trip-client-id',
      String(roundTrip.credentials.clientId),
      '--round-trip-client-secret',
      String(roundTrip.credentials.clientSecret),
    ],
    close: () => served.close(),
  };
}
