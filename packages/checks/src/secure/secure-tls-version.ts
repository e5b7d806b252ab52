import type { Check } from '@council-conform/runner';
import { fail, harnessError, pass } from '../support/outcomes.ts';
import { LOCAL_TLS_LIMITS, tlsHandshake, tlsNotJudged } from '../support/tls.ts';

const MODERN = new Set(['TLSv1.2', 'TLSv1.3']);

export const secureTlsVersion: Check = {
  id: 'secure-tls-version',
  clause: 'secure',
  severity: 'must',
  title: 'Only TLS 1.2 or newer is accepted',
  description:
    'Makes a TLS handshake with the target and reads the protocol negotiated (it must be TLS 1.2 or 1.3), then offers only TLS 1.0 and 1.1, which must be refused: both are deprecated (RFC 8996) and weak. Nothing is sent over either connection. Against a loopback http target (a mock) it is not applicable.',
  async run(ctx) {
    const notJudged = tlsNotJudged(ctx);
    if (notJudged) return notJudged;
    const host = ctx.config.targetUrl.host;
    const modern = await tlsHandshake(ctx, { min: 'TLSv1.2', max: 'TLSv1.3' }, true);
    const legacy = await tlsHandshake(ctx, { min: 'TLSv1', max: 'TLSv1.1' }, false);
    const data = {
      negotiated: modern.ok ? modern.protocol : null,
      legacy: legacy.ok ? legacy.protocol : `refused (${legacy.code})`,
    };
    if (legacy.ok)
      return fail(
        `${host} accepted a handshake offering only TLS 1.0/1.1 (it settled on ${legacy.protocol}); disable TLS 1.0 and 1.1 and keep TLS 1.2 and 1.3`,
        { data },
      );
    if (!modern.ok) {
      return harnessError(
        `no TLS 1.2 or 1.3 handshake with ${host} (${modern.code}: ${modern.message}); check the certificate (a private CA goes in the run’s tls.ca) and that the server speaks TLS 1.2 or newer`,
        { data },
      );
    }
    if (!MODERN.has(modern.protocol))
      return fail(`${host} negotiated ${modern.protocol}; it must be TLS 1.2 or newer`, { data });
    if (LOCAL_TLS_LIMITS.has(legacy.code))
      return harnessError(
        `negotiated ${modern.protocol}, but this machine’s TLS library cannot offer TLS 1.0/1.1 (${legacy.code}), so whether ${host} still accepts them was not tested`,
        { data },
      );
    return pass(
      `negotiated ${modern.protocol}; a handshake offering only TLS 1.0/1.1 was refused (${legacy.code})`,
      { data },
    );
  },
};
