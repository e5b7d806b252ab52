import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * Throwaway X.509 certificates for the hostile supplier's TLS pathologies, made in process with node:crypto
 * (P-256 keys, ECDSA-SHA256) and a few lines of DER. The mocks' `createSelfSignedCertificate` shells out to
 * `openssl req`, which cannot back-date a certificate (expired) nor sign one with a CA; and the runner may
 * not depend on the mocks. Nothing here is written to disk.
 */

export interface Pem {
  readonly key: string;
  readonly cert: string;
}

export interface HostileCertificates {
  /** The CA a run trusts through `tls.ca`. */
  readonly ca: Pem;
  /** Signed by the CA for 127.0.0.1 and localhost, valid now. */
  readonly valid: Pem;
  /** Signed by the CA for 127.0.0.1, but its validity ended a year ago. */
  readonly expired: Pem;
  /** Signed by the CA, valid now, but for another host (127.0.0.2, api.elsewhere.example). */
  readonly wrongHost: Pem;
  /** Valid now for 127.0.0.1, signed by nobody but itself. */
  readonly selfSigned: Pem;
}

const DAY = 24 * 3600 * 1000;

export function createHostileCertificates(): HostileCertificates {
  const now = Date.now();
  const caKey = newKey();
  const ca = certificate({
    subject: 'Hostile Supplier Test CA',
    key: caKey,
    issuer: { name: 'Hostile Supplier Test CA', key: caKey },
    from: now - DAY,
    to: now + DAY,
    isCa: true,
  });
  const leaf = (hosts: readonly string[], from: number, to: number): Pem => {
    const key = newKey();
    return {
      key: pem(key),
      cert: certificate({
        subject: hosts[0] ?? 'localhost',
        key,
        issuer: { name: 'Hostile Supplier Test CA', key: caKey },
        from,
        to,
        hosts,
      }),
    };
  };
  const selfKey = newKey();
  return {
    ca: { key: pem(caKey), cert: ca },
    valid: leaf(['127.0.0.1', 'localhost'], now - DAY, now + DAY),
    expired: leaf(['127.0.0.1', 'localhost'], now - 400 * DAY, now - 365 * DAY),
    wrongHost: leaf(['127.0.0.2', 'api.elsewhere.example'], now - DAY, now + DAY),
    selfSigned: {
      key: pem(selfKey),
      cert: certificate({
        subject: '127.0.0.1',
        key: selfKey,
        issuer: { name: '127.0.0.1', key: selfKey },
        from: now - DAY,
        to: now + DAY,
        hosts: ['127.0.0.1', 'localhost'],
      }),
    },
  };
}

function newKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

function pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function certificate(options: {
  subject: string;
  key: KeyObject;
  issuer: { name: string; key: KeyObject };
  from: number;
  to: number;
  hosts?: readonly string[];
  isCa?: boolean;
}): string {
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const extensions = [
    extension('2.5.29.19', seq(...(options.isCa ? [der(0x01, Buffer.from([0xff]))] : [])), true),
  ];
  if (options.hosts) {
    const names = options.hosts.map((host) =>
      /^[\d.]+$/.test(host)
        ? der(0x87, Buffer.from(host.split('.').map(Number)))
        : der(0x82, Buffer.from(host, 'ascii')),
    );
    extensions.push(extension('2.5.29.17', seq(...names)));
  }
  const serial = randomBytes(8);
  // Positive, and never a leading zero byte: DER wants an INTEGER's shortest form, and OpenSSL refuses a
  // certificate whose serial has a needless leading zero. Left to chance (1 in 256 per certificate), a run's
  // CA now and then failed to parse and every "trusted" certificate with it.
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaSha256,
    name(options.issuer.name),
    seq(time(options.from), time(options.to)),
    name(options.subject),
    createPublicKey(options.key).export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, options.issuer.key);
  const body = seq(tbs, ecdsaSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  let length: Buffer;
  if (body.length < 0x80) length = Buffer.from([body.length]);
  else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let n = arc >> 7; n > 0; n >>= 7) groups.unshift((n & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Buffer.from(bytes));
}

function integer(value: Buffer): Buffer {
  return der(0x02, (value[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function name(commonName: string): Buffer {
  return seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** UTCTime, YYMMDDHHMMSSZ: enough for every date these certificates carry (1950–2049). */
function time(at: number): Buffer {
  const text = new Date(at).toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`, 'ascii'));
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));
}
