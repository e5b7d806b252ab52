import { createPublicKey, sign } from 'node:crypto';
import type { RunReport } from '@council-conform/runner';
import { CertificateError } from './errors.ts';
import {
  type Certificate,
  certificateMismatch,
  checkStructure,
  isRecord,
  type ReportSignature,
  reportProblems,
  reportSha256,
  SIGNED_REPORT_VERSION,
  type SignedReport,
  type SignerRole,
  signingPayload,
} from './format.ts';
import { keyIdOfKey, loadPrivateKey } from './keys.ts';
import { firstInexactNumber } from './strict-json.ts';

export const DEFAULT_VALIDITY_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SignOptions {
  readonly privateKeyPem: string;
  /** What the signer claims; verifiers decide from their own trust list. */
  readonly role: SignerRole;
  readonly now?: Date;
  /** From issue; only when the report is signed for the first time. Default 365. */
  readonly expiresInDays?: number;
  /** Needed when the report carries no attestation; must agree with it when it does. */
  readonly supplier?: string;
  readonly product?: string;
  /**
   * A certifier's key keeping the evidence of a run that proves no level (LOTI's scheduled sweep publishing a
   * failing run): signed, but never verified as certified, since the run is not certifiable. Without it a
   * certifier signs only a certifiable run.
   */
  readonly evidenceOnly?: boolean;
}

function invalid(message: string): CertificateError {
  return new CertificateError('invalid-options', message);
}

/** The certificate, fixed by the first signature; later signatures vouch for it as it is. */
function issue(report: RunReport, options: SignOptions, now: Date): Certificate {
  const problems = reportProblems(report, 'report');
  if (problems.length > 0)
    throw new CertificateError('malformed', `not a run report that can be signed: ${problems.join('; ')}`);
  const days = options.expiresInDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isFinite(days) || days <= 0)
    throw invalid(`expiresInDays must be a positive number, not ${days}`);
  const name = (field: 'supplier' | 'product'): string => {
    const given = options[field]?.trim();
    const attested = report.attestation?.[field];
    // The attestation is the supplier's own signed statement; a certificate naming anyone else would be a lie.
    if (given && attested && given !== attested)
      throw invalid(
        `the ${field} "${given}" differs from the report's attestation, which names "${attested}"`,
      );
    const value = given || attested;
    if (!value)
      throw invalid(
        `the report carries no attestation, so the certificate needs the ${field} named by the signer (--${field})`,
      );
    return value;
  };
  return {
    supplier: name('supplier'),
    product: name('product'),
    profile: report.profile.id,
    specVersion: report.profile.version,
    level: report.level,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
    reportSha256: reportSha256(report),
  };
}

/**
 * Signs a run report, or adds a signature to a signed one (a certifier countersigning what a supplier
 * signed). A signed report's existing signatures are kept as they are; it is refused when its certificate no
 * longer matches its report, when it has expired, or when the same key has signed it already. Throws
 * CertificateError.
 */
export function signReport(input: RunReport | SignedReport, options: SignOptions): SignedReport {
  if (options.role !== 'certifier' && options.role !== 'supplier')
    throw invalid(`role must be "certifier" or "supplier", not "${String(options.role)}"`);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw invalid('now is not a valid date');
  const privateKey = loadPrivateKey(options.privateKeyPem);
  const keyId = keyIdOfKey(createPublicKey(privateKey));

  let envelope: Pick<SignedReport, 'signedReportVersion' | 'report' | 'certificate'>;
  let existing: readonly ReportSignature[] = [];
  if (isRecord(input) && 'signedReportVersion' in input) {
    const checked = checkStructure(input);
    if (!checked.ok) throw new CertificateError(checked.reason, checked.message);
    const { signed } = checked;
    const mismatch = certificateMismatch(signed.report, signed.certificate);
    if (mismatch) throw new CertificateError('tampered', `refusing to countersign: ${mismatch}`);
    for (const field of ['expiresInDays', 'supplier', 'product'] as const)
      if (options[field] !== undefined)
        throw invalid(
          `${field} cannot be given for a report that is signed already: its certificate was fixed by the first signature`,
        );
    if (now.getTime() > Date.parse(signed.certificate.expiresAt))
      throw new CertificateError(
        'expired',
        `refusing to countersign: the certificate expired at ${signed.certificate.expiresAt}; sign the run report afresh`,
      );
    if (signed.signatures.some((signature) => signature.keyId === keyId))
      throw invalid(`${keyId} has signed this report already`);
    envelope = signed;
    existing = signed.signatures;
  } else {
    const report = input as RunReport;
    envelope = {
      signedReportVersion: SIGNED_REPORT_VERSION,
      report,
      certificate: issue(report, options, now),
    };
  }

  // A certifier's signature says the run proved the level: a run with any must check failed, errored or not
  // judged proves less, whatever its level says.
  if (options.role === 'certifier' && envelope.report.certifiable !== true && options.evidenceOnly !== true)
    throw new CertificateError(
      'not-certifiable',
      `refusing to sign as a certifier: the run is not certifiable (${envelope.report.certifiableReasons?.join('; ') || 'it says so'}); a supplier may still sign it as self-assessed`,
    );
  // Verifiers read the file strictly and would refuse it: better said now, to the signer, than to a council.
  const inexact = firstInexactNumber(envelope.report, '$.report');
  if (inexact)
    throw new CertificateError(
      'malformed',
      `refusing to sign: the number ${inexact.value} at ${inexact.path} cannot be held exactly (an integer beyond ±${Number.MAX_SAFE_INTEGER}), so no verifier would accept the signed file`,
    );
  const signer = { keyId, role: options.role, signedAt: now.toISOString() };
  const signature: ReportSignature = {
    algorithm: 'Ed25519',
    ...signer,
    // Ed25519 hashes internally; node:crypto takes no digest name for it.
    signature: sign(null, signingPayload(envelope, signer), privateKey).toString('base64url'),
  };
  return {
    signedReportVersion: SIGNED_REPORT_VERSION,
    report: envelope.report,
    certificate: envelope.certificate,
    signatures: [...existing, signature],
  };
}
