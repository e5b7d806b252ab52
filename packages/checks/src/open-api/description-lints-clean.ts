import { createHash } from 'node:crypto';
import type { LintResult } from '@council-conform/ruleset';
import { type Check, ViolationCollector } from '@council-conform/runner';
import { fail, harnessError, judge, judged } from '../support/outcomes.ts';

/** Rules about where the API is served, which a loopback target over plain http cannot meet by design. */
const TRANSPORT_RULES = new Set(['secure-https-servers']);

// One description is linted once per process however many runs read it (the fault matrix reads the same
// served description dozens of times), and Spectral loads only when a run reaches this check.
const linted = new Map<string, Promise<LintResult>>();

// Keyed without the servers' ports: the same supplier on another port (a test's mock, a container) is
// the same description.
async function lint(document: Record<string, unknown>, source: string): Promise<LintResult> {
  const text = JSON.stringify(document);
  const servers = Array.isArray(document.servers) ? document.servers : [];
  const key = createHash('sha256')
    .update(JSON.stringify({ ...document, servers: JSON.stringify(servers).replace(/:\d+/g, ':port') }))
    .digest('hex');
  let result = linted.get(key);
  if (!result) {
    result = import('@council-conform/ruleset').then(({ lintText }) => lintText(text, source));
    linted.set(key, result);
    result.catch(() => linted.delete(key));
  }
  return result;
}

export const descriptionLintsClean: Check = {
  id: 'description-lints-clean',
  clause: 'open-api',
  severity: 'must',
  title: 'The description lints clean with the Council API ruleset',
  description:
    'Lints the published description with the same ruleset as `conform lint` (docs/ruleset.md): every error-severity finding fails the check, with its rule, clause and JSON path; warnings are counted. A supplier can run `conform lint` in its own CI and never meet this failure here.',
  sampling: 'The whole published description, every rule of the ruleset.',
  async run(ctx) {
    const found = await ctx.supplierDescription();
    if (!found) return fail('there is no description to lint (see description-discoverable)');
    let result: LintResult;
    try {
      result = await lint(found.document, found.url);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return harnessError(`the description could not be linted: ${message}`, {
        exchangeIds: [found.exchangeId],
      });
    }
    const skipped = ctx.isLoopbackHttp
      ? result.findings.filter((finding) => TRANSPORT_RULES.has(finding.checkId))
      : [];
    const findings = result.findings.filter((finding) => !skipped.includes(finding));
    const violations = new ViolationCollector();
    for (const finding of findings.filter((f) => f.severity === 'error')) {
      violations.add(`${finding.checkId} (${finding.clause})`, {
        message: finding.message,
        location: finding.location.jsonPath,
      });
    }
    const warnings = findings.filter((f) => f.severity !== 'error').length;
    const notes = [
      warnings > 0 ? `${warnings} warning(s): run \`conform lint\` for them` : '',
      skipped.length > 0
        ? `${skipped.length} finding(s) about https servers not judged against a loopback http target`
        : '',
    ].filter(Boolean);
    return judge(
      violations,
      {
        pass: ['no lint errors', ...notes].join('; '),
        fail: 'the description has lint errors; `conform lint <description>` shows each with its rule',
      },
      { exchangeIds: [found.exchangeId], judged: judged(1, 'descriptions') },
    );
  },
};
