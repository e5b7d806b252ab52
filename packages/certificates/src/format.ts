import { createHash } from 'node:crypto';
import type { Level, RunReport } from '@council-conform/runner';
import { canonicalJson } from './canonical-json.ts';
import { CertificateError } from './errors.ts';
import { parseStrictJson } from './strict-json.ts';

export const SIGNED_REPORT_VERSION = '1.0.0';

export type SignerRole = 'certifier' | 'supplier';

/** What a signature vouches for, beside the report itself; copied from the report so it can be read alone. */
export interface Certificate {
  readonly supplier: string;
  readonly product: string;
  /** The report's profile.id. */
  readonly profile: string;
  /** The report's profile.version: the version of the reference spec the product was judged against. */
  readonly specVersion: string;
  readonly level: Level;
  readonly issuedAt: string;
  readonly expiresAt: string;
  /** Hex SHA-256 of the RFC 8785 canonical form of the report. */
  readonly reportSha256: string;
}

export interface ReportSignature {
  readonly algorithm: 'Ed25519';
  readonly keyId: string;
  /** What the signer claims to be; a verifier takes the role from its own trust list instead. */
  readonly role: SignerRole;
  readonly signedAt: string;
  /** Base64url, without padding. */
  readonly signature: string;
}

export interface SignedReport {
  readonly signedReportVersion: typeof SIGNED_REPORT_VERSION;
  /** The run report as `conform run` wrote it. */
  readonly report: RunReport;
  readonly certificate: Certificate;
  readonly signatures: readonly ReportSignature[];
}

export interface Signer {
  readonly keyId: string;
  readonly role: SignerRole;
  readonly signedAt: string;
}

// A Record, so that the compiler refuses this list the day the runner gains a level it does not name.
const LEVELS: Record<Level, true> = { gold: true, silver: true, bronze: true, none: true };
const ROLES: Record<SignerRole, true> = { certifier: true, supplier: true };
const SUPPORTED_VERSIONS: readonly string[] = [SIGNED_REPORT_VERSION];

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export const KEY_ID = /^ed25519:[0-9a-f]{32}$/;
// 64 signature bytes are 86 base64url characters without padding.
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** ISO 8601 in UTC, as Date.toISOString writes it, and a real calendar date (no 30 February). */
export function isIsoUtc(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_UTC.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  problems: string[],
) {
  for (const key of Object.keys(value))
    if (!known.includes(key))
      problems.push(`${path}.${key} is not part of signed report version ${SIGNED_REPORT_VERSION}`);
}

/**
 * The fields of a run report that a certificate is made from or a verifier shows; the rest of the report is
 * covered by the hash and the signatures, whatever it holds.
 */
export function reportProblems(report: unknown, path: string): string[] {
  if (!isRecord(report))
    return [`${path} must be a run report object (the JSON \`conform run --report\` writes)`];
  const problems: string[] = [];
  if (!nonEmptyString(report.reportVersion)) problems.push(`${path}.reportVersion must be a string`);
  if (!isRecord(report.profile)) problems.push(`${path}.profile must be an object`);
  else
    for (const key of ['id', 'version', 'sha256'])
      if (!nonEmptyString(report.profile[key]))
        problems.push(`${path}.profile.${key} must be a non-empty string`);
  if (typeof report.level !== 'string' || !Object.hasOwn(LEVELS, report.level))
    problems.push(`${path}.level must be one of ${Object.keys(LEVELS).join(', ')}`);
  if (typeof report.certifiable !== 'boolean') problems.push(`${path}.certifiable must be true or false`);
  if (!nonEmptyString(report.finishedAt)) problems.push(`${path}.finishedAt must be a date-time string`);
  if (!Array.isArray(report.checks)) problems.push(`${path}.checks must be an array`);
  if (!Array.isArray(report.clauses)) problems.push(`${path}.clauses must be an array`);
  if (report.attestation === undefined) problems.push(`${path}.attestation must be an object or null`);
  else if (report.attestation !== null) {
    if (!isRecord(report.attestation)) problems.push(`${path}.attestation must be an object or null`);
    else
      for (const key of ['supplier', 'product'])
        if (!nonEmptyString(report.attestation[key]))
          problems.push(`${path}.attestation.${key} must be a non-empty string`);
  }
  return problems;
}

function certificateProblems(certificate: unknown, path: string): string[] {
  if (!isRecord(certificate)) return [`${path} must be an object`];
  const problems: string[] = [];
  for (const key of ['supplier', 'product', 'profile', 'specVersion'])
    if (!nonEmptyString(certificate[key])) problems.push(`${path}.${key} must be a non-empty string`);
  if (typeof certificate.level !== 'string' || !Object.hasOwn(LEVELS, certificate.level))
    problems.push(`${path}.level must be one of ${Object.keys(LEVELS).join(', ')}`);
  for (const key of ['issuedAt', 'expiresAt'])
    if (!isIsoUtc(certificate[key]))
      problems.push(`${path}.${key} must be an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ)`);
  if (
    isIsoUtc(certificate.issuedAt) &&
    isIsoUtc(certificate.expiresAt) &&
    Date.parse(certificate.expiresAt) <= Date.parse(certificate.issuedAt)
  )
    problems.push(`${path}.expiresAt must be later than ${path}.issuedAt`);
  if (typeof certificate.reportSha256 !== 'string' || !SHA256_HEX.test(certificate.reportSha256))
    problems.push(`${path}.reportSha256 must be 64 lowercase hex digits`);
  unknownKeys(
    certificate,
    ['supplier', 'product', 'profile', 'specVersion', 'level', 'issuedAt', 'expiresAt', 'reportSha256'],
    path,
    problems,
  );
  return problems;
}

function signatureProblems(signature: unknown, path: string): string[] {
  if (!isRecord(signature)) return [`${path} must be an object`];
  const problems: string[] = [];
  if (signature.algorithm !== 'Ed25519')
    problems.push(
      `${path}.algorithm must be "Ed25519", the only algorithm of version ${SIGNED_REPORT_VERSION}`,
    );
  if (typeof signature.keyId !== 'string' || !KEY_ID.test(signature.keyId))
    problems.push(`${path}.keyId must be "ed25519:" and 32 lowercase hex digits`);
  if (typeof signature.role !== 'string' || !Object.hasOwn(ROLES, signature.role))
    problems.push(`${path}.role must be "certifier" or "supplier"`);
  if (!isIsoUtc(signature.signedAt)) problems.push(`${path}.signedAt must be an ISO 8601 UTC date-time`);
  if (typeof signature.signature !== 'string' || !SIGNATURE.test(signature.signature))
    problems.push(`${path}.signature must be a 64-byte Ed25519 signature in base64url, without padding`);
  // Anything beside these five fields would ride along unsigned.
  unknownKeys(signature, ['algorithm', 'keyId', 'role', 'signedAt', 'signature'], path, problems);
  return problems;
}

export type StructureCheck =
  | { readonly ok: true; readonly signed: SignedReport }
  | { readonly ok: false; readonly reason: 'malformed' | 'unsupported-version'; readonly message: string };

/**
 * Whether a parsed value has the shape of a signed report, every problem named by its field path. The version
 * is looked at first: a later version may be shaped differently, and saying "update" beats listing its fields.
 */
export function checkStructure(value: unknown): StructureCheck {
  const malformed = (message: string) => ({ ok: false, reason: 'malformed', message }) as const;
  if (!isRecord(value)) return malformed('a signed report must be a JSON object');
  const version = value.signedReportVersion;
  if (version === undefined)
    return malformed(
      isRecord(value.profile) && 'checks' in value
        ? 'signedReportVersion is missing: this is an unsigned run report (sign it with `conform sign`)'
        : 'signedReportVersion is missing: this is not a signed report',
    );
  if (typeof version !== 'string') return malformed('signedReportVersion must be a string');
  if (!SUPPORTED_VERSIONS.includes(version))
    return {
      ok: false,
      reason: 'unsupported-version',
      message: `signedReportVersion "${version}" is not supported (this verifier reads ${SUPPORTED_VERSIONS.join(', ')}); a newer Council Conform may read it`,
    };
  const problems = [
    ...reportProblems(value.report, 'report'),
    ...certificateProblems(value.certificate, 'certificate'),
  ];
  if (!Array.isArray(value.signatures) || value.signatures.length === 0)
    problems.push('signatures must be a non-empty array');
  else {
    const seen = new Set<unknown>();
    value.signatures.forEach((signature: unknown, index) => {
      problems.push(...signatureProblems(signature, `signatures[${index}]`));
      const keyId = isRecord(signature) ? signature.keyId : undefined;
      if (typeof keyId === 'string' && seen.has(keyId))
        problems.push(`signatures[${index}].keyId ${keyId} has signed already; one signature per key`);
      seen.add(keyId);
    });
  }
  // Fields beside these would ride along unsigned and could be read as part of the certificate.
  unknownKeys(value, ['signedReportVersion', 'report', 'certificate', 'signatures'], '$', problems);
  if (problems.length > 0) return malformed(problems.join('; '));
  return { ok: true, signed: value as unknown as SignedReport };
}

/**
 * A signed report from the text of its file, its shape checked (not its signatures: see verifySignedReport).
 * Read strictly, as verifySignedReport reads text, so that a value parsed here says what its text says.
 * Throws CertificateError, never a SyntaxError, so a caller can show the reason as it is.
 */
export function parseSignedReport(text: string): SignedReport {
  const parsed = parseStrictJson(text);
  if (!parsed.ok)
    throw new CertificateError(
      'malformed',
      parsed.problem === 'not-json'
        ? `not a signed report: the file is not JSON (${parsed.message})`
        : `the file does not say exactly what was signed: ${parsed.message}`,
    );
  const checked = checkStructure(parsed.value);
  if (!checked.ok) throw new CertificateError(checked.reason, checked.message);
  return checked.signed;
}

export function reportSha256(report: unknown): string {
  return createHash('sha256').update(canonicalJson(report), 'utf8').digest('hex');
}

/** The bytes a signature covers: the whole envelope and the signer's own details, so none can be swapped. */
export function signingPayload(
  signed: Pick<SignedReport, 'signedReportVersion' | 'report' | 'certificate'>,
  signer: Signer,
): Buffer {
  return Buffer.from(
    canonicalJson({
      signedReportVersion: signed.signedReportVersion,
      report: signed.report,
      certificate: signed.certificate,
      signer: { keyId: signer.keyId, role: signer.role, signedAt: signer.signedAt },
    }),
    'utf8',
  );
}

/**
 * Where a certificate disagrees with the report it certifies, or undefined when it agrees. The supplier and
 * product are compared only when the report carries an attestation: without one they come from the signer.
 */
export function certificateMismatch(report: RunReport, certificate: Certificate): string | undefined {
  if (reportSha256(report) !== certificate.reportSha256)
    return 'the report does not match certificate.reportSha256: it was changed after the certificate was issued';
  const pairs: [string, unknown, unknown][] = [
    ['profile', certificate.profile, report.profile.id],
    ['specVersion', certificate.specVersion, report.profile.version],
    ['level', certificate.level, report.level],
  ];
  if (report.attestation)
    pairs.push(
      ['supplier', certificate.supplier, report.attestation.supplier],
      ['product', certificate.product, report.attestation.product],
    );
  for (const [field, claimed, actual] of pairs)
    if (claimed !== actual)
      return `certificate.${field} is "${String(claimed)}" but the report says "${String(actual)}"`;
  return undefined;
}
