import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  boolean,
  commonName,
  der,
  extension,
  objectIdentifier,
  octetString,
  sequence,
  time,
  unsignedInteger,
} from './der.ts';

/** A certificate and the private key that goes with it, both PEM. */
export interface IssuedCertificate {
  readonly certificatePem: string;
  /** PKCS #8 PEM of the certificate's private key (P-256). */
  readonly keyPem: string;
}

export type PrivateCaErrorCode = 'PRIVATE_CA_INVALID_HOST' | 'PRIVATE_CA_INVALID_VALIDITY';

/** A request the CA cannot honour: a host that is neither an IP address nor a DNS name, or a bad validity. */
export class PrivateCaError extends Error {
  override readonly name = 'PrivateCaError';
  constructor(
    readonly code: PrivateCaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A P-256 key pair and its key identifier (RFC 7093 §2, method 4: SHA-256 of the DER SPKI, 160 bits). */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
  readonly keyId: Buffer;
}

export function newKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, spki, keyId: createHash('sha256').update(spki).digest().subarray(0, 20) };
}

export function keyPem(pair: KeyPair): string {
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface CertificateFields {
  /** The subject's common name. */
  readonly subject: string;
  readonly key: KeyPair;
  /** Who signs: the subject itself for a self-signed certificate. */
  readonly issuer: { readonly name: string; readonly key: KeyPair };
  readonly validFrom: Date;
  readonly validTo: Date;
  /** A CA (may sign server certificates, not other CAs) or a TLS server (for `hosts`). */
  readonly kind: 'ca' | 'server';
  readonly hosts?: readonly string[];
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

// KeyUsage bits, DER-trimmed: the first byte counts the unused trailing bits of the last one.
const KEY_USAGE = {
  digitalSignature: Buffer.from([0x07, 0x80]),
  keyCertSignAndCrlSign: Buffer.from([0x01, 0x06]),
} as const;

/**
 * A positive serial number of 127 random bits: sixteen bytes, the first never zero (that would be a needless
 * leading zero, not DER) and never above 0x7f (that would read as negative or need a zero byte before it).
 */
export function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  return serial;
}

/** An X.509v3 certificate, signed with ECDSA-SHA256 by the issuer's key, as PEM. */
export function certificate(fields: CertificateFields): string {
  if (Number.isNaN(fields.validFrom.getTime()) || Number.isNaN(fields.validTo.getTime()))
    throw new PrivateCaError('PRIVATE_CA_INVALID_VALIDITY', 'a validity date is not a valid date');
  if (fields.validTo.getTime() <= fields.validFrom.getTime())
    throw new PrivateCaError(
      'PRIVATE_CA_INVALID_VALIDITY',
      `a certificate must end after it begins (from ${fields.validFrom.toISOString()} to ${fields.validTo.toISOString()})`,
    );
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const selfSigned = fields.issuer.key === fields.key;
  const extensions =
    fields.kind === 'ca'
      ? [
          extension(OID.basicConstraints, sequence(boolean(true), unsignedInteger(Buffer.from([0]))), true),
          extension(OID.keyUsage, der(0x03, KEY_USAGE.keyCertSignAndCrlSign), true),
        ]
      : [
          extension(OID.basicConstraints, sequence(), true),
          // A self-signed server certificate is its own trust anchor, so it keeps no key usage that would
          // stop it vouching for itself (as `openssl req -x509` leaves it out).
          ...(selfSigned ? [] : [extension(OID.keyUsage, der(0x03, KEY_USAGE.digitalSignature), true)]),
          extension(OID.extendedKeyUsage, sequence(objectIdentifier(OID.serverAuth))),
          extension(OID.subjectAltName, sequence(...(fields.hosts ?? []).map(generalName))),
        ];
  extensions.push(extension(OID.subjectKeyIdentifier, octetString(fields.key.keyId)));
  if (!selfSigned)
    extensions.push(extension(OID.authorityKeyIdentifier, sequence(der(0x80, fields.issuer.key.keyId))));
  const tbs = sequence(
    der(0xa0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serialNumber()),
    signatureAlgorithm,
    commonName(fields.issuer.name),
    sequence(time(fields.validFrom), time(fields.validTo)),
    commonName(fields.subject),
    fields.key.spki,
    der(0xa3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, fields.issuer.key.privateKey);
  const body = sequence(tbs, signatureAlgorithm, bitString(signature));
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

// A host name as TLS clients match it: letters, digits and hyphens in dot-separated labels, `*.` allowed first.
const DNS_NAME = /^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;

/** The hosts of a server certificate, checked: each an IPv4 or IPv6 address or a DNS name. */
export function checkHosts(hosts: readonly string[]): readonly string[] {
  if (hosts.length === 0)
    throw new PrivateCaError('PRIVATE_CA_INVALID_HOST', 'a server certificate needs at least one host');
  for (const host of hosts) generalName(host);
  return hosts;
}

/** A subjectAltName entry: iPAddress [7] for an address, dNSName [2] for a name. */
function generalName(host: string): Buffer {
  if (isIPv4(host)) return der(0x87, Buffer.from(host.split('.').map(Number)));
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIPv6(bare) && !bare.includes('%')) return der(0x87, ipv6Bytes(bare));
  if (host.length <= 253 && DNS_NAME.test(host)) return der(0x82, Buffer.from(host.toLowerCase(), 'ascii'));
  throw new PrivateCaError(
    'PRIVATE_CA_INVALID_HOST',
    `"${host}" is neither an IP address nor a DNS name (letters, digits, hyphens and dots; IDNs as xn--)`,
  );
}

/** The sixteen bytes of an IPv6 address in any of its text forms (`::1`, `fe80::a:b`, `::ffff:192.0.2.1`). */
function ipv6Bytes(text: string): Buffer {
  const groups = (part: string) => {
    if (part === '') return [];
    const pieces = part.split(':');
    const last = pieces.at(-1) ?? '';
    if (!last.includes('.')) return pieces;
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return [...pieces.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  const [head = '', tail] = text.split('::');
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  });
  return bytes;
}
