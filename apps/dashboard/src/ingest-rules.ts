import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_VALIDITY_DAYS, type SignedReport } from '@council-conform/certificates';
import { listSpecIds, loadProfile, specDir } from '@council-conform/specs';

/**
 * How far apart the clocks of the machine that ran, the machines that signed and the dashboard may be. Small:
 * enough for machines kept on NTP, far too little to let a run rank above the runs of the coming days.
 */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The longest a certificate may run from issue to expiry. The certificates package defines only a default
 * (`DEFAULT_VALIDITY_DAYS`, 365), and it is the rule LOTI certifies to, so it is taken as the maximum. No leap
 * day of slack is needed: `signReport` counts validity in days of 24 hours, so a year's certificate is exactly
 * 365 days long in any year.
 */
export const MAX_VALIDITY_DAYS = DEFAULT_VALIDITY_DAYS;

const DAY_MS = 24 * 60 * 60 * 1000;

export type IngestRefusalReason =
  | 'future-dated'
  | 'signed-before-run'
  | 'run-ends-before-start'
  | 'expiry-too-long'
  | 'expiry-before-issue'
  | 'unknown-profile'
  | 'unknown-spec-version';

export interface IngestProblem {
  readonly reason: IngestRefusalReason;
  /** Names the field, its value and the limit it broke. */
  readonly message: string;
}

/** A reference spec as the dashboard accepts reports against it: its profile id and every released version. */
export interface ReferenceSpecVersions {
  readonly profile: string;
  readonly current: string;
  /** The current version and every earlier one its README's changelog records, newest first as written. */
  readonly released: readonly string[];
}

/** `- 1.0.0 (2026-11-23): first version.`: a released version, as each spec's README changelog lists it. */
const CHANGELOG_ENTRY = /^- (\d+\.\d+\.\d+)\b/;

/** The versions a README's `## Changelog` section records, in the order it lists them. */
export function changelogVersions(readme: string): string[] {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => /^## Changelog\s*$/.test(line));
  if (start === -1) return [];
  const versions: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    const version = CHANGELOG_ENTRY.exec(line)?.[1];
    if (version) versions.push(version);
  }
  return versions;
}

async function readReleased(id: string): Promise<ReferenceSpecVersions> {
  const profile = await loadProfile(id);
  // A spec shipped without its README still has its current version: refusing its older ones is the safe loss.
  const readme = await readFile(join(specDir(id), 'README.md'), 'utf8').catch(() => '');
  const released = [...new Set([profile.version, ...changelogVersions(readme)])];
  return { profile: profile.id, current: profile.version, released };
}

let loading: Promise<readonly ReferenceSpecVersions[]> | undefined;

/** Every reference spec's profile id and released versions, read from `specs/` once. */
export function referenceSpecVersions(): Promise<readonly ReferenceSpecVersions[]> {
  loading ??= Promise.all(listSpecIds().map(readReleased)).catch((error: unknown) => {
    // A failed read is not remembered: the next upload tries again.
    loading = undefined;
    throw error;
  });
  return loading;
}

const ms = (iso: string) => Date.parse(iso);
const minutes = (span: number) => `${span / 60_000} minutes`;

function timeProblems(signed: SignedReport, receivedAt: Date): IngestProblem[] {
  const { report, certificate, signatures } = signed;
  const problems: IngestProblem[] = [];
  const received = receivedAt.toISOString();
  const latest = receivedAt.getTime() + CLOCK_SKEW_MS;
  const skew = `the ${minutes(CLOCK_SKEW_MS)} allowed for clock skew`;
  const afterReceipt = (field: string, value: string) => {
    if (ms(value) > latest)
      problems.push({
        reason: 'future-dated',
        message: `${field} ${value} is later than the dashboard received the report (${received}), beyond ${skew}`,
      });
  };
  afterReceipt('report.finishedAt', report.finishedAt);
  afterReceipt('certificate.issuedAt', certificate.issuedAt);
  for (const [index, signature] of signatures.entries())
    afterReceipt(`signatures[${index}].signedAt`, signature.signedAt);
  // A signature vouches for a run that has happened; one dated before the run ends vouches for a date it made up.
  for (const [index, signature] of signatures.entries())
    if (ms(report.finishedAt) > ms(signature.signedAt) + CLOCK_SKEW_MS)
      problems.push({
        reason: 'signed-before-run',
        message: `report.finishedAt ${report.finishedAt} is later than signatures[${index}].signedAt ${signature.signedAt}, beyond ${skew}: a run cannot be signed before it finished`,
      });
  // Both dates come from the runner's one clock, so no skew is allowed.
  if (ms(report.finishedAt) < ms(report.startedAt))
    problems.push({
      reason: 'run-ends-before-start',
      message: `report.finishedAt ${report.finishedAt} is earlier than report.startedAt ${report.startedAt}`,
    });
  return problems;
}

function expiryProblems(signed: SignedReport): IngestProblem[] {
  const { issuedAt, expiresAt } = signed.certificate;
  const validity = ms(expiresAt) - ms(issuedAt);
  // Verification refuses this shape already (malformed); kept so these rules hold for any caller on their own.
  if (validity <= 0)
    return [
      {
        reason: 'expiry-before-issue',
        message: `certificate.expiresAt ${expiresAt} is not later than certificate.issuedAt ${issuedAt}`,
      },
    ];
  if (validity > MAX_VALIDITY_DAYS * DAY_MS)
    return [
      {
        reason: 'expiry-too-long',
        message: `certificate.expiresAt ${expiresAt} is ${(validity / DAY_MS).toFixed(1)} days after certificate.issuedAt ${issuedAt}; a certificate runs for at most ${MAX_VALIDITY_DAYS} days`,
      },
    ];
  return [];
}

/**
 * The report's profile and version must be a reference spec's. Verification has already refused a certificate
 * whose profile or specVersion differs from the report's own (`tampered`), so checking the report's is enough.
 */
function versionProblems(signed: SignedReport, specs: readonly ReferenceSpecVersions[]): IngestProblem[] {
  const { id, version } = signed.report.profile;
  const spec = specs.find((candidate) => candidate.profile === id);
  if (!spec)
    return [
      {
        reason: 'unknown-profile',
        message: `report.profile.id "${id}" is not the profile of any reference spec (known: ${specs.map((s) => s.profile).join(', ')})`,
      },
    ];
  if (!spec.released.includes(version))
    return [
      {
        reason: 'unknown-spec-version',
        message: `report.profile.version "${version}" is not a released version of the ${id} reference spec (released: ${spec.released.join(', ')}; current ${spec.current})`,
      },
    ];
  return [];
}

/**
 * What the dashboard refuses in a verified signed report beyond its signatures: dates that lie in the future
 * or out of order, an expiry beyond the certificate rules, and a profile or spec version no reference spec has.
 * A valid signature proves who made these claims, not that they are true, and each of them decides where a
 * product is listed or whether others are flagged, so a lie in any would bend the league table.
 */
export function ingestRuleProblems(
  signed: SignedReport,
  receivedAt: Date,
  specs: readonly ReferenceSpecVersions[],
): IngestProblem[] {
  return [...versionProblems(signed, specs), ...timeProblems(signed, receivedAt), ...expiryProblems(signed)];
}

/**
 * The refusal for an upload, or undefined when it breaks no rule: the first problem's reason, with every
 * problem in the message so one upload says all there is to fix.
 */
export async function ingestRefusal(
  signed: SignedReport,
  receivedAt: Date,
): Promise<IngestProblem | undefined> {
  const [first, ...rest] = ingestRuleProblems(signed, receivedAt, await referenceSpecVersions());
  if (!first) return undefined;
  return { reason: first.reason, message: [first, ...rest].map((problem) => problem.message).join('; ') };
}
