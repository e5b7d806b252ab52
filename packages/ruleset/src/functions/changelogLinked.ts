import { isObject } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

const CHANGELOG_WORDS = /change\s*-?log|release notes|changes|what'?s new|history/i;

/**
 * A changelog is published and linked: `info.x-changelog` (the baseline's place for it) is a URL, or
 * `externalDocs` points at the change log or release notes.
 */
export const changelogLinked = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function changelogLinked(document) {
    if (!isObject(document)) return [];
    const info = isObject(document.info) ? document.info : {};
    const link = info['x-changelog'];
    if (typeof link === 'string' && /^(https?:\/\/|\/|\.\.?\/)/i.test(link)) return [];
    const docs = document.externalDocs;
    if (
      isObject(docs) &&
      typeof docs.url === 'string' &&
      CHANGELOG_WORDS.test(`${docs.url} ${typeof docs.description === 'string' ? docs.description : ''}`)
    )
      return [];
    const results: IFunctionResult[] = [
      {
        message:
          link === undefined
            ? 'No changelog linked: add `info.x-changelog` with the URL of the changelog, so councils can see what changed and when.'
            : `\`info.x-changelog\` is ${JSON.stringify(link)}, not a URL: link the published changelog.`,
        path: link === undefined ? (isObject(document.info) ? ['info'] : []) : ['info', 'x-changelog'],
      },
    ];
    return results;
  },
);
