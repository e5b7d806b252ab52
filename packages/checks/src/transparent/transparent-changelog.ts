import type { Check, RunContext } from '@council-conform/runner';
import { isObject } from '../support/json.ts';
import { fail, judged, pass } from '../support/outcomes.ts';
import { samplePage } from '../support/pages.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** Response headers that tell a client which version of the API answered. */
export const VERSION_HEADERS = ['api-version', 'x-api-version', 'x-version', 'version'] as const;

const CHANGELOG_WORDS = /change[\s-]?log|release[\s-]?notes|what['’]?s[\s-]new|\bchanges\b|history/i;

/**
 * A Markdown link (its text and target) or a bare web address. Searched in linear time, as the description
 * is the supplier's: unbounded, a run of `[`, or a link target with no `)` after it, was rescanned from every
 * `[` (and the target's end from every split of it), quadratic to cubic in its length. So the link text is
 * read as CommonMark reads it, its brackets in pairs (one deep), and a target or title stops before a `](`,
 * where the next link starts: `[a [b](c)` is the link `b`, not `a [b`.
 */
const LINK_OR_ADDRESS =
  /\[((?:[^[\]]|\[[^[\]]*\])*)\]\(((?:(?!\]\()[^)\s])+)(?:\s(?:(?!\]\()[^)])*)?\)|(https?:\/\/\S+)/g;

/** Where the description links a changelog: info.x-changelog, externalDocs, or a link in info.description. */
export function changelogLink(document: Record<string, unknown>): string | undefined {
  const info = isObject(document.info) ? document.info : {};
  if (typeof info['x-changelog'] === 'string' && info['x-changelog'].trim() !== '') return 'info.x-changelog';
  const docs = isObject(document.externalDocs) ? document.externalDocs : undefined;
  if (
    docs &&
    typeof docs.url === 'string' &&
    CHANGELOG_WORDS.test(`${docs.url} ${String(docs.description ?? '')}`)
  )
    return 'externalDocs';
  const text = typeof info.description === 'string' ? info.description : '';
  for (const m of text.matchAll(LINK_OR_ADDRESS)) {
    if (CHANGELOG_WORDS.test(`${m[1] ?? ''} ${m[2] ?? m[3] ?? ''}`)) return 'a link in info.description';
  }
  return undefined;
}

/** The first version header on the answers this run already holds, else on a sample page. */
async function versionHeader(
  ctx: RunContext,
  exchangeId: string | undefined,
): Promise<{ name: string; value: string; exchangeId: string } | undefined> {
  const find = (headers: Readonly<Record<string, string>> | undefined) =>
    VERSION_HEADERS.map((name) => ({ name, value: headers?.[name] })).find((h) => h.value);
  const described = ctx.http.exchanges.find((e) => e.id === exchangeId);
  const fromDescription = find(described?.response?.headers);
  if (fromDescription?.value && exchangeId)
    return { name: fromDescription.name, value: fromDescription.value, exchangeId };
  const dataset = topLevelDatasets(ctx)[0];
  const page = dataset ? await samplePage(ctx, dataset) : undefined;
  const fromPage = find(page?.headers);
  return fromPage?.value && page
    ? { name: fromPage.name, value: fromPage.value, exchangeId: page.exchange.id }
    : undefined;
}

export const transparentChangelog: Check = {
  id: 'transparent-changelog',
  clause: 'transparent',
  severity: 'should',
  title: 'Changes are published: a changelog or a version header',
  description:
    'The description links a changelog (info.x-changelog, externalDocs or a link in info.description), or responses name the API version in a header (API-Version or X-API-Version), so a council can see what changed and which version answered.',
  sampling: 'The published description; failing a link there, the headers of one response.',
  async run(ctx) {
    const description = await ctx.supplierDescription();
    const exchangeIds = description ? [description.exchangeId] : [];
    const link = description ? changelogLink(description.document) : undefined;
    if (link)
      return pass(`the description links a changelog (${link})`, {
        exchangeIds,
        judged: judged(1, 'descriptions'),
      });
    const header = await versionHeader(ctx, description?.exchangeId);
    if (header) {
      return pass(
        `responses carry ${header.name}: ${header.value.slice(0, 40)} (the description links no changelog; consider info.x-changelog as well)`,
        { exchangeIds: [...exchangeIds, header.exchangeId], judged: judged(1, 'responses') },
      );
    }
    return fail(
      `${description ? 'the description links no changelog' : 'there is no description to link a changelog'} and responses carry no version header: publish a changelog URL in info.x-changelog, or send API-Version on every response`,
      { exchangeIds },
    );
  },
};
