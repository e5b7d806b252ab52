import { expect } from 'vitest';
import type { MockSupplier } from '../src/index.ts';
import { type clientFor, listPath } from './client.ts';

type Client = ReturnType<typeof clientFor>;
interface ProbeContext {
  readonly client: Client;
  readonly supplier: MockSupplier;
  readonly token: string;
}

// The personal, cursor-paged list of the fault tests' spec: its `limit` is an integer from 1 to 1000.
const list = (supplier: MockSupplier) => listPath(supplier, 'reporters');

/** What each exploration fault visibly changes (see src/explore-faults.ts). */
export const EXPLORE_FAULT_PROBES = {
  'explore-500-on-boundary': async ({ client, supplier, token }: ProbeContext) => {
    expect((await client.call(`${list(supplier)}?limit=1000`, { token })).status).toBe(500);
    expect((await client.call(`${list(supplier)}?limit=999`, { token })).status).toBe(200);
  },
  'explore-accepts-invalid-parameter': async ({ client, supplier, token }: ProbeContext) => {
    expect((await client.call(`${list(supplier)}?limit=1001`, { token })).status).toBe(200);
  },
  'explore-stack-trace-on-wrong-type': async ({ client, supplier, token }: ProbeContext) => {
    const response = await client.call(`${list(supplier)}?limit=abc`, { token });
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/at parsePageSize \(\/srv\/[^)]+:\d+:\d+\)/);
  },
};
