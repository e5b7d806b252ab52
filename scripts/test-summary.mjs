// Adds up every package's Vitest JSON results (written by each package's `test` script, replayed from
// turbo's cache when unchanged) so the test command ends with one summary for the whole repo.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folders = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(group, entry.name))
    : [],
);
folders.push('specs');

const totals = { files: 0, filesFailed: 0, tests: 0, passed: 0, failed: 0, skipped: 0 };
const missing = [];
for (const folder of folders) {
  const pkg = join(root, folder, 'package.json');
  if (!existsSync(pkg)) continue;
  const scripts = JSON.parse(readFileSync(pkg, 'utf8')).scripts ?? {};
  if (!scripts.test) continue;
  const resultsPath = join(root, folder, '.vitest', 'results.json');
  if (!existsSync(resultsPath)) {
    missing.push(folder);
    continue;
  }
  const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
  const files = results.testResults ?? [];
  totals.files += files.length;
  totals.filesFailed += files.filter((file) => file.status === 'failed').length;
  totals.tests += results.numTotalTests ?? 0;
  totals.passed += results.numPassedTests ?? 0;
  totals.failed += results.numFailedTests ?? 0;
  totals.skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
}

if (missing.length > 0)
  console.log(`No test results from: ${missing.join(', ')} (their test task did not run)`);
const skipped = totals.skipped > 0 ? ` | ${totals.skipped} skipped` : '';
console.log('');
// A plain "N passed, N failed" line for CI systems that read one, then Vitest's own summary form last.
console.log(
  `Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}`,
);
console.log(
  ` Test Files  ${totals.filesFailed > 0 ? `${totals.filesFailed} failed | ` : ''}${totals.files - totals.filesFailed} passed (${totals.files})`,
);
console.log(
  `      Tests  ${totals.failed > 0 ? `${totals.failed} failed | ` : ''}${totals.passed} passed${skipped} (${totals.tests})`,
);
process.exit(totals.failed > 0 || missing.length > 0 || totals.tests === 0 ? 1 : 0);
