import { isIP } from 'node:net';
import { connect, rootCertificates } from 'node:tls';
import type { CheckOutcome, RunContext } from '@council-conform/runner';
import { notJudged, TO_JUDGE } from './outcomes.ts';

/**
 * Why the transport checks cannot judge this target, or undefined when they can (an https target). A plain
 * http target is never passed on TLS: the checks are not judged, and the run cannot be certified.
 */
export function tlsNotJudged(ctx: RunContext): CheckOutcome | undefined {
  const target = ctx.config.targetUrl;
  if (target.protocol === 'https:') return undefined;
  return notJudged(
    ctx.isLoopbackHttp
      ? `the target ${target.origin} is plain http on loopback (a mock or a local server), where there is no TLS to test.`
      : `the target ${target.origin} is plain http, so there is no TLS to judge.`,
    TO_JUDGE.https,
  );
}

/** Host, port and SNI name of an https target. */
export function tlsEndpoint(target: URL): { host: string; port: number; servername?: string } {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return {
    host,
    port: target.port ? Number(target.port) : 443,
    ...(isIP(host) ? {} : { servername: host }),
  };
}

export type HandshakeResult =
  | { readonly ok: true; readonly protocol: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * One TLS handshake with the target within the given protocol versions, then the connection is closed:
 * nothing is sent over it. `verify` checks the certificate against the public CAs and the run's `tls.ca`;
 * without it any certificate is accepted (to learn only which versions the server agrees to).
 */
export function tlsHandshake(
  ctx: RunContext,
  versions: { readonly min: 'TLSv1' | 'TLSv1.2'; readonly max: 'TLSv1.1' | 'TLSv1.3' },
  verify: boolean,
): Promise<HandshakeResult> {
  const endpoint = tlsEndpoint(ctx.config.targetUrl);
  const ca = ctx.config.tls?.ca;
  return new Promise((resolve) => {
    const socket = connect({
      ...endpoint,
      minVersion: versions.min,
      maxVersion: versions.max,
      // Security level 0 lets this client offer the old versions at all; it only ever asks, never trusts.
      ...(versions.min === 'TLSv1' ? { ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
      ...(verify ? (ca ? { ca: [...rootCertificates, ca] } : {}) : { rejectUnauthorized: false }),
    });
    const done = (result: HandshakeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(ctx.config.requestTimeoutMs, () =>
      done({
        ok: false,
        code: 'TIMEOUT',
        message: `no handshake within ${ctx.config.requestTimeoutMs} ms`,
      }),
    );
    socket.once('secureConnect', () => done({ ok: true, protocol: socket.getProtocol() ?? 'unknown' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, code: error.code ?? 'ERROR', message: error.message.split('\n')[0] ?? '' }),
    );
  });
}

/** Error codes that mean this machine could not offer the versions, not that the server refused them. */
export const LOCAL_TLS_LIMITS = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE']);

/** The plain http origin of an https target: port 80, or the same port when one is given. */
export function plainHttpOrigin(target: URL): string {
  return `http://${target.hostname}${target.port ? `:${target.port}` : ''}`;
}
