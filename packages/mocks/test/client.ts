import type { MockSupplier } from '../src/index.ts';

export const ORIGIN = 'http://127.0.0.1:9';

/** A tiny client over the supplier's in-process handler: the same code path msw interception uses. */
export function clientFor(supplier: MockSupplier, origin = ORIGIN) {
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const url = path.startsWith('http') ? path : `${origin}${path}`;
    return supplier.handle(new Request(url, { ...init, headers }));
  };
  return {
    call,
    async token(tenantIndex = 0): Promise<string> {
      const tenant = supplier.tenants[tenantIndex]!;
      const response = await call('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: tenant.clientId,
          client_secret: tenant.clientSecret,
        }).toString(),
      });
      if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async json(path: string, init: RequestInit & { token?: string } = {}) {
      const response = await call(path, init);
      return { response, body: (await response.json()) as unknown };
    },
  };
}

export function listPath(supplier: MockSupplier, datasetId: string): string {
  const dataset = supplier.spec.profile.datasets.find((d) => d.id === datasetId)!;
  const paths = supplier.spec.document.paths as Record<string, { get?: { operationId?: string } }>;
  const found = Object.entries(paths).find(([, item]) => item.get?.operationId === dataset.list);
  if (!found) throw new Error(`no list path for ${datasetId}`);
  return found[0];
}

export function getPath(supplier: MockSupplier, datasetId: string, id: string): string {
  const dataset = supplier.spec.profile.datasets.find((d) => d.id === datasetId)!;
  const paths = supplier.spec.document.paths as Record<string, { get?: { operationId?: string } }>;
  const found = Object.entries(paths).find(([, item]) => item.get?.operationId === dataset.get);
  if (!found) throw new Error(`no get path for ${datasetId}`);
  return found[0].replace(/\{[^}]+\}/, encodeURIComponent(id));
}

/** Follows `Link: rel="next"` to the end, failing on a loop. */
export async function readAllPages(client: ReturnType<typeof clientFor>, first: string, token?: string) {
  const seen = new Set<string>();
  const records: Record<string, unknown>[] = [];
  let next: string | undefined = first;
  while (next) {
    if (seen.has(next)) throw new Error(`pagination loop at ${next}`);
    seen.add(next);
    const { response, body } = await client.json(next, token ? { token } : {});
    if (response.status !== 200) throw new Error(`${next}: ${response.status}`);
    const page = body as { items?: unknown[]; contents?: unknown[] } | unknown[];
    records.push(
      ...((Array.isArray(page) ? page : (page.items ?? page.contents ?? [])) as Record<string, unknown>[]),
    );
    const link = response.headers.get('link') ?? '';
    next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  }
  return records;
}
