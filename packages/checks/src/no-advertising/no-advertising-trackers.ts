import { type Check, ViolationCollector } from '@council-conform/runner';
import { walkJson } from '../support/json.ts';
import { listDataset } from '../support/listing.ts';
import { harnessError, judge, judged } from '../support/outcomes.ts';
import { topLevelDatasets } from '../support/probes.ts';

/** Hosts that serve advertising, or track people for it, and nothing a public-sector API needs. */
const TRACKER_HOSTS = [
  'doubleclick.net',
  'googletagmanager.com',
  'google-analytics.com',
  'googlesyndication.com',
  'googleadservices.com',
  'adservice.google.com',
  'connect.facebook.net',
  'facebook.com/tr',
  'analytics.tiktok.com',
  'px.ads.linkedin.com',
  'snap.licdn.com',
  'bat.bing.com',
  'clarity.ms',
  'hotjar.com',
  'scorecardresearch.com',
  'quantserve.com',
  'taboola.com',
  'outbrain.com',
  'criteo.com',
  'criteo.net',
  'adnxs.com',
  'amazon-adsystem.com',
  'adsrvr.org',
  'rubiconproject.com',
  'pubmatic.com',
  'openx.net',
  'casalemedia.com',
  'moatads.com',
  'cdn.segment.com',
  'api.segment.io',
  'mixpanel.com',
  'static.ads-twitter.com',
  'analytics.twitter.com',
];
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const TRACKER_HOST = new RegExp(
  `(?:^|[^\\w.-])(?:[\\w-]+\\.)*(${TRACKER_HOSTS.map(escapeRegExp).join('|')})(?![\\w-])`,
  'i',
);

/** Markup that runs code or loads content in whoever displays the value. */
const MARKUP: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a script tag', pattern: /<script\b/i },
  { kind: 'an iframe', pattern: /<iframe\b/i },
  {
    kind: 'a tracking pixel (a 1×1 image)',
    // Tried only from the first `<img` since the last `>` (the lookbehind reads back no further than the
    // `<img` or `>` before): tried from each, a run of `<img` with no `>` was rescanned from every one,
    // quadratic. A later one could only fail where the first did, so what is found is unchanged.
    pattern: /(?<!<img\b(?:(?!<img\b)[^>])*)<img\b[^>]*\b(?:width|height)\s*=\s*["']?[01]["'\s>/]/i,
  },
  { kind: 'tracking code', pattern: /\b(?:gtag|fbq|_paq\.push|_gaq\.push|dataLayer\.push)\s*\(/ },
];

/** The tracker host a text links to (the first, lower-cased) and the kinds of tracking markup it holds. */
export function trackingIn(text: string): { host: string | undefined; markup: string[] } {
  return {
    host: TRACKER_HOST.exec(text)?.[1]?.toLowerCase(),
    markup: MARKUP.filter(({ pattern }) => pattern.test(text)).map(({ kind }) => kind),
  };
}

export const noAdvertisingTrackers: Check = {
  id: 'no-advertising-trackers',
  clause: 'no-advertising',
  severity: 'must',
  title: 'No advertising or tracker content in responses',
  description:
    'Scans every record the run reads (public and personal lists) and the supplier’s OpenAPI description for advertising and tracking: script tags, iframes, 1×1 tracking pixels, tracking calls (gtag, fbq) and links to known advertising and analytics hosts (DoubleClick, Google Tag Manager, Google Analytics, the Facebook pixel and others). Council data must not carry a supplier’s or a third party’s advertising or tracking to whoever displays it.',
  sampling:
    'Every record the run lists of every dataset (up to 5,000 each, then the sampled pages past them) and the whole published description.',
  async run(ctx) {
    const violations = new ViolationCollector();
    const exchangeIds: string[] = [];
    let scanned = 0;
    const scan = (at: string, value: unknown) => {
      walkJson(value, (pointer, key, leaf) => {
        if (typeof leaf !== 'string' || leaf.length < 6) return;
        const location = `${at}#${pointer}`;
        const { host, markup } = trackingIn(leaf);
        if (host)
          violations.add(`a link to ${host}`, {
            message: `${at}: ${key ?? 'value'} refers to ${host}`,
            location,
          });
        for (const kind of markup)
          violations.add(kind, { message: `${at}: ${key ?? 'value'} contains ${kind}`, location });
      });
    };
    for (const dataset of topLevelDatasets(ctx)) {
      const crawl = await ctx.crawl(dataset);
      const listing = await listDataset(ctx, dataset);
      exchangeIds.push(...crawl.exchangeIds.slice(0, 1));
      const seen = new Set(crawl.records);
      const beyond = listing.sample.flatMap((p) => p.records).filter((r) => !seen.has(r));
      for (const record of [...crawl.records, ...beyond]) {
        scanned += 1;
        scan(`${dataset.id}/${String(record[dataset.idField])}`, record);
      }
    }
    const description = await ctx.supplierDescription();
    if (description) {
      exchangeIds.push(description.exchangeId);
      scan('openapi', description.document);
    }
    if (scanned === 0 && !description)
      return harnessError(
        'nothing was read to scan: no records and no description (see the open-api checks)',
      );
    return judge(
      violations,
      {
        pass: `${scanned} records and ${description ? 'the description' : 'no description'} carry no advertising or tracker content`,
        fail: 'responses carry advertising or tracker content; remove it from the data and the description',
      },
      { exchangeIds, judged: judged(scanned + (description ? 1 : 0), 'records and descriptions') },
    );
  },
};
