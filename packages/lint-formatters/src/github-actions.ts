import type { LintResult } from '@council-conform/ruleset';

const COMMANDS = { error: 'error', warn: 'warning', info: 'notice', hint: 'notice' } as const;

// GitHub's workflow-command escaping: data escapes %, CR and LF; property values also : and ,.
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: each finding becomes an annotation on its file and line. */
export function formatGithubActions(result: LintResult): string {
  return result.findings
    .map((finding) => {
      const { source, line, column } = finding.location;
      const properties = [
        /^https?:/i.test(source) ? undefined : `file=${escapeProperty(source)}`,
        line === undefined ? undefined : `line=${line}`,
        column === undefined ? undefined : `col=${column}`,
        `title=${escapeProperty(`${finding.checkId} (${finding.clause})`)}`,
      ].filter(Boolean);
      return `::${COMMANDS[finding.severity]} ${properties.join(',')}::${escapeData(`${finding.message} At ${finding.location.jsonPath}. ${finding.docs}`)}\n`;
    })
    .join('');
}
