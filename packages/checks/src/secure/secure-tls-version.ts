import type { Check, RunContext } from '@council-conform/runner';
import { fail, harnessError, judged, pass } from '../support/outcomes.ts';
import { type HandshakeResult, LOCAL_TLS_LIMITS, tlsHandshake, tlsNotJudged } from '../support/tls.ts';

const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

/** A handshake made, kept in the evidence like an HTTP exchange so the outcome can cite it. */
function recordHandshake(ctx: RunContext, offered: string, result: HandshakeResult): string {
  return ctx.http.observe({
    method: 'TLS',
    url: `tls://${ctx.config.targetUrl.host}`,
    note: `a TLS handshake offering ${offered}`,
    outcome: result.ok ? `negotiated ${result.protocol}` : `refused: ${result.code}: ${result.message}`,
    failed: !result.ok,
  }).id;
}

export const secureTlsVersion: Check = {
  id: 'secure-tls-version',
  clause: 'secure',
  severity: 'must',
  title: 'Only TLS 1.2 or newer is accepted',
  description:
    'Makes a TLS handshake with the target and reads the protocol negotiated (it must be TLS 1.2 or 1.3), then offers only TLS 1.0 and 1.1, which must be refused: both are deprecated (RFC 8996) and weak. Nothing is sent over either connection; both handshakes are in the evidence. Against a plain http target it is not judged.',
  sampling:
    'Two TLS handshakes with the target: one offering TLS 1.2 and 1.3, one offering only 1.0 and 1.1.',
  async run(ctx) {
    const notJudged = tlsNotJudged(ctx);
    if (notJudged) return notJudged;
    const host = ctx.config.targetUrl.host;
    const modern = await tlsHandshake(ctx, { min: 'TLSv1.2', max: 'TLSv1.3' }, true);
    const legacy = await tlsHandshake(ctx, { min: 'TLSv1', max: 'TLSv1.1' }, false);
    const exchangeIds = [
      recordHandshake(ctx, 'TLS 1.2 and 1.3', modern),
      recordHandshake(ctx, 'only TLS 1.0 and 1.1', legacy),
    ];
    const data = {
      negotiated: modern.ok ? modern.protocol : null,
      legacy: legacy.ok ? legacy.protocol : `refused (${legacy.code})`,
    };
    if (legacy.ok)
      return fail(
        `${host} accepted a handshake offering only TLS 1.0/1.1 (it settled on ${legacy.protocol}); disable TLS 1.0 and 1.1 and keep TLS 1.2 and 1.3`,
        { data, exchangeIds },
      );
    if (!modern.ok) {
      return harnessError(
        `no TLS 1.2 or 1.3 handshake with ${host} (${modern.code}: ${modern.message}); check the certificate (a private CA goes in --ca-file) and that the server speaks TLS 1.2 or newer`,
        { data, exchangeIds },
      );
    }
    if (!MODERN.has(modern.protocol))
      return fail(`${host} negotiated ${modern.protocol}; it must be TLS 1.2 or newer`, {
        data,
        exchangeIds,
      });
    if (LOCAL_TLS_LIMITS.has(legacy.code))
      return harnessError(
        `negotiated ${modern.protocol}, but this machine’s TLS library cannot offer TLS 1.0/1.1 (${legacy.code}), so whether ${host} still accepts them was not tested`,
        { data, exchangeIds },
      );
    return pass(
      `negotiated ${modern.protocol}; a handshake offering only TLS 1.0/1.1 was refused (${legacy.code})`,
      { data, exchangeIds, judged: judged(2, 'TLS handshakes') },
    );
  },
};
