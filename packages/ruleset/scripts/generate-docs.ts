// Writes docs/ruleset.md from the rule table: `pnpm --filter @council-conform/ruleset docs`.
import { writeFile } from 'node:fs/promises';
import { RULESET_DOCS_PATH, renderRulesetDocs } from '../src/index.ts';

await writeFile(RULESET_DOCS_PATH, renderRulesetDocs());
process.stdout.write(`wrote ${RULESET_DOCS_PATH}\n`);
