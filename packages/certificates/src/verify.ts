import { type KeyObject, verify } from 'node:crypto';
import { CertificateError, type VerificationFailure } from './errors.ts';
import {
  type Certificate,
  certificateMismatch,
  checkStructure,
  isIsoUtc,
  type SignedReport,
  type SignerRole,
  signingPayload,
} from './format.ts';
import { keyIdOfKey, loadPublicKey } from './keys.ts';
import { type KeyRevocation, type RevokedSignature, revocationsByKey } from './revocations.ts';
import { parseStrictJson } from './strict-json.ts';

/** A key the verifier trusts, and in what role: the role a signature claims for itself counts for nothing. */
export interface TrustedKey {
  readonly publicKeyPem: string;
  readonly role: SignerRole;
  /** Who holds it, for people reading the result. */
  readonly name?: string;
}

export interface VerifyOptions {
  readonly trustedKeys: readonly TrustedKey[];
  readonly now?: Date;
  /** Keys withdrawn by their owners: see verifySignedReport for what a revocation refuses. */
  readonly revocations?: readonly KeyRevocation[];
}

export interface ValidSignature {
  readonly keyId: string;
  /** From the trust list. */
  readonly role: SignerRole;
  readonly name?: string;
}

export type VerificationResult =
  | {
      readonly ok: true;
      /** `certified` when a key trusted as a certifier signed; otherwise the supplier vouches for itself. */
      readonly status: 'certified' | 'self-assessed';
      readonly signedReport: SignedReport;
      readonly validSignatures: readonly ValidSignature[];
      readonly expiresAt: string;
      /** Expires within RECERTIFY_WITHIN_DAYS. */
      readonly dueForRecertification: boolean;
      /** Signatures that count but were made with a key revoked since: "signed with a key since revoked". */
      readonly revokedSignatures: readonly RevokedSignature[];
    }
  | { readonly ok: false; readonly reason: VerificationFailure; readonly message: string };

/** How long before expiry a certificate is flagged, so a council can ask for a new run in good time. */
export const RECERTIFY_WITHIN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Trusted {
  readonly key: KeyObject;
  readonly role: SignerRole;
  readonly name?: string;
}

function trustList(keys: readonly TrustedKey[]): Map<string, Trusted> {
  const byId = new Map<string, Trusted>();
  keys.forEach((trusted, index) => {
    if (trusted.role !== 'certifier' && trusted.role !== 'supplier')
      throw new CertificateError(
        'invalid-options',
        `trustedKeys[${index}].role must be "certifier" or "supplier", not "${String(trusted.role)}"`,
      );
    let key: KeyObject;
    try {
      key = loadPublicKey(trusted.publicKeyPem);
    } catch (error) {
      throw new CertificateError('invalid-key', `trustedKeys[${index}]: ${(error as Error).message}`);
    }
    const keyId = keyIdOfKey(key);
    const earlier = byId.get(keyId);
    // Which of two roles to believe is the trust list owner's decision, not ours.
    if (earlier && earlier.role !== trusted.role)
      throw new CertificateError(
        'invalid-options',
        `trustedKeys lists ${keyId} twice, as ${earlier.role} and as ${trusted.role}`,
      );
    byId.set(keyId, { key, role: trusted.role, ...(trusted.name ? { name: trusted.name } : {}) });
  });
  return byId;
}

/**
 * Verifies a signed report offline against a trust list, in this order: its shape (`malformed`, naming the
 * field; `unsupported-version`), whether the certificate still matches the report (`tampered`), every
 * signature by a trusted key (`bad-signature`, then `revoked-key`), whether any trusted key signed at all
 * (`unknown-key`), and expiry (`expired`). Signatures by keys not on the list are ignored: they can be neither
 * checked nor believed. Never throws for a bad signed report, only for a bad trust list or revocation
 * (CertificateError).
 *
 * `signed` may be the file's text or a value already parsed. Text is read strictly (parseStrictJson): a
 * repeated member name or a number a double cannot hold exactly is `malformed`, because JSON.parse would
 * verify a value that is not what the text says.
 *
 * A signature by a revoked key dated at or after the revocation is `revoked-key`; one dated before still
 * counts and is listed in `revokedSignatures`. The date is `signedAt`, which is the signer's own claim: anyone
 * holding the leaked key can backdate a signature. So this only refuses what the key's holder admits to; the
 * dashboard, which knows when a report reached it, refuses every new upload signed by a revoked key.
 */
export function verifySignedReport(signed: unknown, options: VerifyOptions): VerificationResult {
  const trusted = trustList(options.trustedKeys);
  const revoked = revocationsByKey(options.revocations ?? []);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new CertificateError('invalid-options', 'now is not a valid date');
  const fail = (reason: VerificationFailure, message: string) => ({ ok: false, reason, message }) as const;

  let value = signed;
  if (typeof signed === 'string') {
    const parsed = parseStrictJson(signed);
    if (!parsed.ok)
      return fail(
        'malformed',
        parsed.problem === 'not-json'
          ? `not a signed report: not JSON (${parsed.message})`
          : `the text does not say exactly what was signed: ${parsed.message}`,
      );
    value = parsed.value;
  }
  const checked = checkStructure(value);
  if (!checked.ok) return fail(checked.reason, checked.message);
  const report = checked.signed;

  let mismatch: string | undefined;
  try {
    mismatch = certificateMismatch(report.report, report.certificate);
  } catch (error) {
    // The report holds something with no canonical form (a lone surrogate), so nothing can have signed it.
    return fail('malformed', (error as Error).message);
  }
  if (mismatch) return fail('tampered', mismatch);

  const valid: ValidSignature[] = [];
  const revokedSignatures: RevokedSignature[] = [];
  for (const [index, signature] of report.signatures.entries()) {
    const key = trusted.get(signature.keyId);
    if (!key) continue;
    const payload = signingPayload(report, signature);
    if (!verify(null, payload, key.key, Buffer.from(signature.signature, 'base64url')))
      return fail(
        'bad-signature',
        `signatures[${index}] by ${signature.keyId}${key.name ? ` (${key.name})` : ''} does not verify: the certificate or the signer's role or time was changed after signing, or the signature is damaged`,
      );
    // Only now: signedAt is covered by the signature just checked, so it is at least the key holder's word.
    const revocation = revoked.get(signature.keyId);
    if (revocation) {
      if (Date.parse(signature.signedAt) >= Date.parse(revocation.revokedAt))
        return fail(
          'revoked-key',
          `signatures[${index}] by ${signature.keyId} (owner: ${revocation.owner ?? key.name ?? 'not named'}) is dated ${signature.signedAt}, at or after the key was revoked at ${revocation.revokedAt} (reason: ${revocation.reason})`,
        );
      revokedSignatures.push({
        keyId: signature.keyId,
        revokedAt: revocation.revokedAt,
        reason: revocation.reason,
      });
    }
    valid.push({ keyId: signature.keyId, role: key.role, ...(key.name ? { name: key.name } : {}) });
  }
  if (valid.length === 0)
    return fail(
      'unknown-key',
      `no signature is by a trusted key (signed by ${report.signatures.map((s) => s.keyId).join(', ')}; trusted: ${[...trusted.keys()].join(', ') || 'none'})`,
    );

  const expiresAt = Date.parse(report.certificate.expiresAt);
  if (now.getTime() > expiresAt)
    return fail('expired', `the certificate expired at ${report.certificate.expiresAt}`);

  return {
    ok: true,
    // A certifier's signature on a run that says it is not certifiable (signed by an older release, or by
    // hand) certifies nothing: the run did not prove its level.
    status:
      valid.some((signature) => signature.role === 'certifier') && report.report.certifiable === true
        ? 'certified'
        : 'self-assessed',
    signedReport: report,
    validSignatures: valid,
    expiresAt: report.certificate.expiresAt,
    dueForRecertification: expiresAt - now.getTime() <= RECERTIFY_WITHIN_DAYS * DAY_MS,
    revokedSignatures,
  };
}

function majorOf(version: string, what: string): number {
  const major = /^v?(\d+)(\.|$)/.exec(version)?.[1];
  if (major === undefined)
    throw new CertificateError('invalid-options', `${what} "${version}" is not a version like 1.2.0`);
  return Number(major);
}

/**
 * Whether a supplier must run and sign again: the certificate has expired, or the reference spec has had a
 * major release since (a minor release adds nothing a certified product must do).
 */
export function isDueForRecertification(
  certificate: Pick<Certificate, 'specVersion' | 'expiresAt'>,
  latestSpecVersion: string,
  now: Date = new Date(),
): boolean {
  if (!isIsoUtc(certificate.expiresAt))
    throw new CertificateError(
      'malformed',
      `certificate.expiresAt "${certificate.expiresAt}" is not an ISO date`,
    );
  if (now.getTime() > Date.parse(certificate.expiresAt)) return true;
  return (
    majorOf(latestSpecVersion, 'latestSpecVersion') >
    majorOf(certificate.specVersion, 'certificate.specVersion')
  );
}
