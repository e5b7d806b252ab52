import { UsageError } from './errors.ts';

/** A dashboard that has not answered in this long is not going to: each write is one request. */
export const DASHBOARD_TIMEOUT_MS = 60_000;

export interface DashboardAnswer {
  readonly status: number;
  /** The dashboard's JSON answer; its problem's `detail` (first 500 characters) when it sent something else. */
  readonly body: Record<string, unknown>;
}

export interface DashboardRead {
  /** The dashboard's address, as given with --to. */
  readonly to: string;
  readonly token: string;
  /** Under the dashboard's address: `api/reports`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

export interface DashboardWrite extends DashboardRead {
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

/** The endpoint a write goes to: a path under the address given, which must be http(s). */
export function dashboardEndpoint(to: string, path: string): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(path, to.endsWith('/') ? to : `${to}/`);
  } catch {
    throw new UsageError('DASHBOARD_URL_INVALID', `--to "${to}" is not a URL`);
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:')
    throw new UsageError('DASHBOARD_URL_INVALID', `--to "${to}" must be an http(s) URL`);
  return endpoint;
}

/**
 * One authenticated POST to a dashboard's API, never following a redirect (a token goes only where it was
 * sent). A dashboard that cannot be reached is a UsageError; any answer it gives is returned as it is.
 */
export async function postToDashboard(write: DashboardWrite): Promise<DashboardAnswer> {
  return askDashboard(
    write,
    {
      method: 'POST',
      headers: { 'content-type': write.contentType, authorization: `Bearer ${write.token}` },
      body: write.body,
    },
    'did not take the upload',
  );
}

/** One authenticated GET from a dashboard's API, on the same terms as `postToDashboard`. */
export async function getFromDashboard(read: DashboardRead): Promise<DashboardAnswer> {
  return askDashboard(
    read,
    { method: 'GET', headers: { accept: 'application/json', authorization: `Bearer ${read.token}` } },
    'did not answer',
  );
}

async function askDashboard(
  request: DashboardRead,
  init: RequestInit,
  unreachable: string,
): Promise<DashboardAnswer> {
  const endpoint = dashboardEndpoint(request.to, request.path);
  for (const [name, value] of Object.entries(request.query ?? {})) endpoint.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      ...init,
      redirect: 'error',
      signal: AbortSignal.timeout(DASHBOARD_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new UsageError(
      'DASHBOARD_UNREACHABLE',
      `${endpoint.origin} ${unreachable}: ${cause ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = { detail: text.slice(0, 500) };
  }
  return { status: response.status, body };
}
