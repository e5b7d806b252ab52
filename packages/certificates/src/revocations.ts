import { CertificateError } from './errors.ts';
import { isIsoUtc, isRecord, KEY_ID } from './format.ts';
import { parseStrictJson } from './strict-json.ts';

/** A signing key its owner (or the dashboard) has withdrawn: signatures it made from `revokedAt` on count for nothing. */
export interface KeyRevocation {
  readonly keyId: string;
  /** ISO 8601 UTC, as Date.toISOString writes it. */
  readonly revokedAt: string;
  /** Why, for people: "private key leaked", "left the company". */
  readonly reason: string;
  /** Whose key it was, for people reading a refusal. */
  readonly owner?: string;
}

/** A signature that still counts, made before its key was revoked: shown as "signed with a key since revoked". */
export interface RevokedSignature {
  readonly keyId: string;
  readonly revokedAt: string;
  readonly reason: string;
}

const REVOCATION_FIELDS: readonly string[] = ['keyId', 'owner', 'revokedAt', 'reason'];
/** A list broken throughout would otherwise make a message of megabytes. */
const PROBLEMS_SHOWN = 10;

const described = (problems: readonly string[]) =>
  problems.length > PROBLEMS_SHOWN
    ? `${problems.slice(0, PROBLEMS_SHOWN).join('; ')}; and ${problems.length - PROBLEMS_SHOWN} more problems`
    : problems.join('; ');

function revocationProblems(entry: unknown, path: string): string[] {
  if (!isRecord(entry)) return [`${path} must be an object`];
  const problems: string[] = [];
  if (typeof entry.keyId !== 'string' || !KEY_ID.test(entry.keyId))
    problems.push(`${path}.keyId must be "ed25519:" and 32 lowercase hex digits`);
  if (!isIsoUtc(entry.revokedAt))
    problems.push(`${path}.revokedAt must be an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ)`);
  if (typeof entry.reason !== 'string' || entry.reason.trim() === '')
    problems.push(`${path}.reason must be a non-empty string`);
  if (entry.owner !== undefined && (typeof entry.owner !== 'string' || entry.owner.trim() === ''))
    problems.push(`${path}.owner, when given, must be a non-empty string`);
  for (const key of Object.keys(entry))
    if (!REVOCATION_FIELDS.includes(key)) problems.push(`${path}.${key} is not part of a key revocation`);
  return problems;
}

/**
 * Revocations by key id, checked. A key revoked twice counts from the earlier time: a later entry must not
 * make signatures made in between count again. Throws CertificateError `invalid-options`, as for a bad trust
 * list: a broken revocation is the caller's mistake, not the signed report's.
 */
export function revocationsByKey(revocations: readonly KeyRevocation[]): Map<string, KeyRevocation> {
  if (!Array.isArray(revocations))
    throw new CertificateError('invalid-options', 'revocations must be an array of key revocations');
  const problems = revocations.flatMap((entry, index) => revocationProblems(entry, `revocations[${index}]`));
  if (problems.length > 0) throw new CertificateError('invalid-options', described(problems));
  const byKey = new Map<string, KeyRevocation>();
  for (const revocation of revocations) {
    const earlier = byKey.get(revocation.keyId);
    if (!earlier || Date.parse(revocation.revokedAt) < Date.parse(earlier.revokedAt))
      byKey.set(revocation.keyId, revocation);
  }
  return byKey;
}

/**
 * The key revocation list the dashboard publishes as open data (`/data/revoked-keys.json`), from its text:
 * exactly `{"revocations":[{"keyId":"ed25519:…","owner":"…","revokedAt":"…Z","reason":"…"}]}`, `owner`
 * optional, nothing else anywhere (an unknown field is refused, not ignored: a misspelt one would otherwise
 * drop a revocation's meaning silently). Read strictly, as signed reports are (no repeated member, no inexact
 * number). Throws CertificateError `invalid-revocation-list` naming every problem by its path.
 */
export function parseRevocationList(text: string): readonly KeyRevocation[] {
  const refuse = (message: string) =>
    new CertificateError('invalid-revocation-list', `revocation list: ${message}`);
  if (typeof text !== 'string') throw refuse('expected the text of the list');
  const parsed = parseStrictJson(text);
  if (!parsed.ok)
    throw refuse(parsed.problem === 'not-json' ? `not JSON (${parsed.message})` : parsed.message);
  const list = parsed.value;
  if (!isRecord(list) || !Array.isArray(list.revocations))
    throw refuse('must be an object {"revocations": [...]} with an array of key revocations');
  const problems = list.revocations.flatMap((entry: unknown, index) =>
    revocationProblems(entry, `revocations[${index}]`),
  );
  for (const key of Object.keys(list))
    if (key !== 'revocations') problems.push(`$.${key} is not part of the revocation list format`);
  if (problems.length > 0) throw refuse(described(problems));
  return list.revocations as KeyRevocation[];
}
