import { X509Certificate } from 'node:crypto';
import { createPrivateCa } from '@council-conform/private-ca';
import { describe, expect, it } from 'vitest';
import type { RunSettings } from '../src/commands/run.ts';
import { CONTAINER_ENV, planContainerRun, redactLogs, trustingCa } from '../src/commands/run-image.ts';
import { type CliIo, runCli } from '../src/index.ts';

function capture(): CliIo & { stderr: () => string } {
  const err: string[] = [];
  return { out: () => undefined, err: (text) => err.push(text), stderr: () => err.join('\n') };
}

describe('planning a containerised run', () => {
  it('makes up two tenants, hands them to the container and points the run at it in sandbox mode', () => {
    const plan = planContainerRun({ basePath: '/{profile}/', feature: ['x'] }, 'street-reports');
    expect(plan.env[CONTAINER_ENV.profile]).toBe('street-reports');
    expect(plan.env[CONTAINER_ENV.seed]).toBe('fixtures');
    const flags = plan.flagsFor('http://127.0.0.1:4321');
    expect(flags.target).toBe('http://127.0.0.1:4321/street-reports');
    expect(flags.mode).toBe('sandbox');
    expect(flags.feature).toEqual(['x']);
    expect(flags.clientId).toBe(plan.env[CONTAINER_ENV.tenantAClientId]);
    expect(flags.secondClientSecret).toBe(plan.env[CONTAINER_ENV.tenantBClientSecret]);
    expect(plan.secrets).toContain(plan.env[CONTAINER_ENV.tenantAClientSecret]);
    expect(plan.secrets).toContain(plan.env[CONTAINER_ENV.tenantBClientSecret]);
    expect(planContainerRun({}, 'street-reports').flagsFor('http://h:1').target).toBe('http://h:1');
  });

  it('never reuses credentials between runs', () => {
    const a = planContainerRun({}, 'council-tax');
    const b = planContainerRun({}, 'council-tax');
    expect(a.secrets).not.toEqual(b.secrets);
  });

  it('redacts the credentials it gave from the container output', () => {
    const plan = planContainerRun({}, 'council-tax');
    const secret = plan.secrets[0] as string;
    expect(redactLogs(`booting with secret=${secret}\nready`, plan.secrets)).toBe(
      'booting with secret=[redacted]\nready',
    );
  });
});

describe('the TLS a containerised run gives and trusts', () => {
  it('gives the container a certificate for 127.0.0.1 and localhost from a CA made for the run', () => {
    const plan = planContainerRun({}, 'street-reports');
    const certificate = new X509Certificate(plan.env[CONTAINER_ENV.tlsCert] as string);
    const ca = new X509Certificate(plan.caCertificatePem);
    expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(plan.env[CONTAINER_ENV.tlsKey]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // A CA of each run's own: a certificate from one run is not trusted by the next.
    const next = new X509Certificate(planContainerRun({}, 'street-reports').caCertificatePem);
    expect(certificate.checkIssued(next)).toBe(false);
    // The CA's key is nowhere in the plan: only the server's key is handed over.
    expect(JSON.stringify(plan).match(/BEGIN PRIVATE KEY/g)).toHaveLength(1);
  });

  it('uses the CA it is given, so one CA can stand behind several servers', () => {
    const ca = createPrivateCa();
    const plan = planContainerRun({}, 'street-reports', ca);
    expect(plan.caCertificatePem).toBe(ca.certificatePem);
  });

  it('blanks the server key from the container output, whole, JSON-escaped or line by line', () => {
    const plan = planContainerRun({}, 'street-reports');
    const key = plan.env[CONTAINER_ENV.tlsKey] as string;
    for (const printed of [key, JSON.stringify({ key }), key.replaceAll('\n', '\r\n')]) {
      const redacted = redactLogs(`env: ${printed}`, plan.secrets);
      for (const line of key.split('\n').filter((l) => l && !l.startsWith('-----')))
        expect(redacted).not.toContain(line);
      expect(redacted).toContain('[redacted]');
    }
  });

  it('trusts the run’s CA besides any CA the run was already given', () => {
    const own = createPrivateCa().certificatePem;
    const given = createPrivateCa().certificatePem;
    const settings = { config: { tls: { ca: given } } } as unknown as RunSettings;
    expect(trustingCa(settings, own).config.tls?.ca).toBe(`${given.trimEnd()}\n${own}`);
    const bare = { config: {} } as unknown as RunSettings;
    expect(trustingCa(bare, own).config.tls?.ca).toBe(own);
  });
});

describe('conform run --image refuses what cannot be meant', () => {
  it.each([
    [['--target', 'http://x'], /--image and --target exclude each other/],
    [['--mode', 'readonly'], /sandbox runs/],
    [['--client-id', 'a', '--client-secret', 'b'], /makes up its own test tenants/],
  ])('%s', async (extra, message) => {
    const io = capture();
    expect(await runCli(['run', '--profile', 'street-reports', '--image', 'some/image', ...extra], io)).toBe(
      2,
    );
    expect(io.stderr()).toMatch(message);
  });
});
