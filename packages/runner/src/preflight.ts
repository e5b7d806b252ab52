import type { TokenManager } from './auth.ts';
import { didYouMean } from './config.ts';
import { HarnessError, type HarnessHttp } from './http.ts';
import type { RunReport } from './run.ts';
import type { Reference, ResolvedRunConfig, RunContext } from './types.ts';

/** What to do about a certificate the TLS handshake refused, by the code Node gives. */
const TLS_HINTS: readonly [RegExp, string][] = [
  [/CERT_HAS_EXPIRED|expired/i, 'the supplier must renew it'],
  [
    /SELF_SIGNED|self.signed|UNABLE_TO_GET_ISSUER|unable to verify/i,
    'no trusted authority signed the certificate; for a sandbox with its own CA, give that CA with --ca-file (or "tls.ca")',
  ],
  [
    /ALTNAME|hostname|Host: .* is not in the cert/i,
    'the certificate does not name this host; use the host name the certificate was issued for',
  ],
  [/CERT_NOT_YET_VALID|not yet valid/i, 'the certificate is not valid yet; check the server’s clock'],
];

export interface PreflightStep {
  readonly step: string;
  readonly ok: boolean;
  /** Set when not ok (or a warning): what was found and what to fix. */
  readonly message?: string;
  readonly warning?: boolean;
}

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
  readonly code = 'PREFLIGHT_FAILED';
  constructor(
    readonly steps: readonly PreflightStep[],
    /** The report of the run that stopped here: its pre-flight, its exchanges, and every check not run. */
    readonly report?: RunReport,
  ) {
    super(
      `the run cannot start; fix the configuration first:\n${steps
        .filter((s) => !s.ok && !s.warning)
        .map((s) => `  - ${s.step}: ${s.message}`)
        .join('\n')}`,
    );
  }
}

/**
 * Everything that must hold before a single check runs. Most failed certification runs are configuration
 * mistakes (wrong URL, wrong secret), so these are reported as configuration errors with what to fix,
 * never as supplier failures.
 */
export async function preflight(
  config: ResolvedRunConfig,
  reference: Reference,
  http: HarnessHttp,
  tokens: { primary: TokenManager; secondary: TokenManager },
  ctx: RunContext,
): Promise<PreflightStep[]> {
  const steps: PreflightStep[] = [{ step: 'configuration', ok: true }];
  let reachable = false;
  try {
    const root = await http.request({ url: '/', note: 'pre-flight: is the target reachable' });
    reachable = true;
    steps.push({
      step: 'target reachable',
      ok: true,
      message: `${config.target} answered HTTP ${root.status}`,
    });
    if (config.targetUrl.protocol === 'https:') steps.push({ step: 'TLS handshake', ok: true });
  } catch (error) {
    const code = error instanceof HarnessError ? error.code : 'NETWORK';
    if (code === 'TLS') {
      const message = (error as Error).message;
      const hint = TLS_HINTS.find(([pattern]) => pattern.test(message))?.[1];
      steps.push({
        step: 'TLS handshake',
        ok: false,
        message: `${message}; ${hint ?? `check the certificate of ${config.targetUrl.host}`}`,
      });
    } else
      steps.push({
        step: 'target reachable',
        ok: false,
        message: `${(error as Error).message}; check the target URL and that the API is running`,
      });
  }
  if (reachable) {
    const description = await ctx.supplierDescription().catch(() => undefined);
    if (description) steps.push({ step: 'description found', ok: true, message: description.url });
    else {
      // A missing description is judged by the open-api checks unless nothing of the profile answers at all,
      // which means the target URL is wrong.
      const listing =
        reference.profile.datasets.find((d) => d.classification === 'public') ??
        reference.profile.datasets[0];
      const path = listing ? ctx.operationPath(listing.list)?.path : undefined;
      let looksRight = false;
      if (path && !path.includes('{')) {
        const probe = await http
          .request({
            url: path,
            auth: config.credentials ? 'primary' : 'none',
            note: 'pre-flight: is this the right API',
          })
          .catch(() => undefined);
        looksRight = probe !== undefined && probe.status !== 404;
      }
      steps.push(
        looksRight
          ? {
              step: 'description found',
              ok: false,
              warning: true,
              message:
                'no OpenAPI description at /openapi.json or by Link rel="service-desc"; the open-api checks will fail',
            }
          : {
              step: 'description found',
              ok: false,
              message: `neither /openapi.json nor ${path ?? 'the profile’s first list'} exists at ${config.target}: is this the ${reference.profile.id} API’s base URL?`,
            },
      );
    }
  }
  if (!config.credentials) {
    steps.push({
      step: 'credentials',
      ok: false,
      message:
        'no credentials: give --token, or --client-id and --client-secret (or the CONFORM_* environment variables)',
    });
  } else if (reachable) {
    for (const [label, manager] of [
      ['credentials', tokens.primary],
      ['second tenant credentials', tokens.secondary],
    ] as const) {
      if (!manager.configured) continue;
      try {
        await manager.token(true);
        const way = manager.clientAuthentication;
        steps.push(
          way === 'client_secret_post'
            ? {
                step: label,
                ok: false,
                warning: true,
                message:
                  'a token was obtained only with client_secret_post (client_id and client_secret in the form body): the token endpoint refused client_secret_basic (an HTTP Basic Authorization header), which Council API Baseline 1.1 §2 requires and RFC 6749 §2.3.1 says every server must accept',
              }
            : {
                step: label,
                ok: true,
                message: way ? `a token was obtained with ${way}` : 'a token was obtained',
              },
        );
      } catch (error) {
        steps.push({ step: label, ok: false, message: (error as Error).message });
      }
    }
  }
  const optional = reference.profile.operations.optional;
  const unknown = config.features.filter((feature) => !optional.includes(feature));
  steps.push(
    unknown.length === 0
      ? {
          step: 'declared features',
          ok: true,
          message: config.features.length > 0 ? config.features.join(', ') : 'none declared',
        }
      : {
          step: 'declared features',
          ok: false,
          message:
            unknown
              .map(
                (f) =>
                  `"${f}" is not an optional operation of ${reference.profile.id}${didYouMean(f, optional)}`,
              )
              .join('; ') + `; optional operations are: ${optional.join(', ') || 'none'}`,
        },
  );
  return steps;
}
