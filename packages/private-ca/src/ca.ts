import {
  certificate,
  checkHosts,
  type IssuedCertificate,
  keyPem,
  newKeyPair,
  PrivateCaError,
} from './certificate.ts';

const DAY_MS = 24 * 3600 * 1000;
// Certificates begin a little in the past, so a clock a few minutes behind still finds them valid.
const BACKDATE_MS = 3600 * 1000;

export interface ServerCertificateOptions {
  /**
   * IP addresses (v4 or v6) and DNS names the server answers on, each put in subjectAltName (where TLS
   * clients look); the first is also the subject's common name. E.g. `['127.0.0.1', 'localhost']`.
   */
  readonly hosts: readonly string[];
  /** Default: when the issuing CA's validity begins (for a self-signed certificate, an hour ago). */
  readonly validFrom?: Date;
  /** Default: when the issuing CA's validity ends (for a self-signed certificate, a day after it begins). */
  readonly validTo?: Date;
}

export interface PrivateCaOptions {
  /** The CA's common name, shown by clients that refuse it. Default `Council Conform private CA`. */
  readonly name?: string;
  /** How many days it (and, by default, what it issues) stays valid from an hour ago. Default 1. */
  readonly validDays?: number;
}

/**
 * A certificate authority of one process. Its certificate is what a client trusts (`conform run --ca-file`,
 * the run's `tls.ca`); its private key lives only inside this object, is never exported, and goes when the
 * object does.
 */
export interface PrivateCa {
  readonly name: string;
  /** The CA's certificate, PEM: give it to the clients that must trust what it issues. */
  readonly certificatePem: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** A TLS server certificate for the given hosts, with a new private key, signed by this CA. */
  issueServerCertificate(options: ServerCertificateOptions): IssuedCertificate;
}

/** A new private CA (P-256, ECDSA-SHA256), made with node:crypto alone: no openssl binary, nothing on disk. */
export function createPrivateCa(options: PrivateCaOptions = {}): PrivateCa {
  const name = options.name ?? 'Council Conform private CA';
  const validDays = options.validDays ?? 1;
  if (!Number.isFinite(validDays) || validDays <= 0 || validDays > 36_500)
    throw new PrivateCaError(
      'PRIVATE_CA_INVALID_VALIDITY',
      `validDays must be a number of days above 0 and at most 36500, not ${validDays}`,
    );
  const validFrom = new Date(Date.now() - BACKDATE_MS);
  const validTo = new Date(validFrom.getTime() + validDays * DAY_MS);
  const key = newKeyPair();
  const issuer = { name, key };
  const certificatePem = certificate({ subject: name, key, issuer, validFrom, validTo, kind: 'ca' });
  return {
    name,
    certificatePem,
    validFrom,
    validTo,
    issueServerCertificate(request) {
      const hosts = checkHosts(request.hosts);
      const leaf = newKeyPair();
      return {
        certificatePem: certificate({
          subject: subjectOf(hosts),
          key: leaf,
          issuer,
          validFrom: request.validFrom ?? validFrom,
          validTo: request.validTo ?? validTo,
          kind: 'server',
          hosts,
        }),
        keyPem: keyPem(leaf),
      };
    },
  };
}

/**
 * A TLS server certificate that signs itself: a client trusts it by taking the certificate itself as its CA.
 * For a test server that needs no CA; a CA is better where several servers are trusted at once.
 */
export function createSelfSignedCertificate(options: ServerCertificateOptions): IssuedCertificate {
  const hosts = checkHosts(options.hosts);
  const key = newKeyPair();
  const validFrom = options.validFrom ?? new Date(Date.now() - BACKDATE_MS);
  const subject = subjectOf(hosts);
  return {
    certificatePem: certificate({
      subject,
      key,
      issuer: { name: subject, key },
      validFrom,
      validTo: options.validTo ?? new Date(validFrom.getTime() + DAY_MS),
      kind: 'server',
      hosts,
    }),
    keyPem: keyPem(key),
  };
}

/** The first host as the common name (at most 64 characters, as X.520 allows). */
function subjectOf(hosts: readonly string[]): string {
  const first = hosts[0] ?? 'localhost';
  return first.length <= 64 ? first : 'TLS server';
}
