// Run by bench/lint.ts in a fresh process each time: lints one description twice, in process, and
// prints how long each took (the first includes compiling the ruleset and warming the JIT).
import { lintDescription } from '../src/index.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: tsx bench/engine.ts <description>');
const first = await lintDescription(path);
const second = await lintDescription(path);
process.stdout.write(
  JSON.stringify({ coldMs: first.durationMs, warmMs: second.durationMs, findings: first.findings.length }),
);
