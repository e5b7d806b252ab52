import { describe, expect, it } from 'vitest';
import { CONTAINER_ENV, planContainerRun, redactLogs } from '../src/commands/run-image.ts';
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
    expect(new Set(plan.secrets).size).toBe(2);
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
