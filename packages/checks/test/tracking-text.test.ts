import { describe, expect, it } from 'vitest';
import { trackingIn } from '../src/no-advertising/no-advertising-trackers.ts';

describe('advertising and tracking in a text', () => {
  it('finds tracker hosts and tracking markup, and nothing in plain text', () => {
    expect(trackingIn('<img src="https://www.google-analytics.com/collect" width="1" height="1">')).toEqual({
      host: 'google-analytics.com',
      markup: ['a tracking pixel (a 1×1 image)'],
    });
    expect(trackingIn('<img alt="a<b" src="/p.gif" width=1>').markup).toEqual([
      'a tracking pixel (a 1×1 image)',
    ]);
    expect(trackingIn('<script>gtag("config")</script>').markup).toEqual(['a script tag', 'tracking code']);
    expect(trackingIn('<img src="/photo.jpg" width="640"> bins on Tuesday')).toEqual({
      host: undefined,
      markup: [],
    });
  });

  // Tried from every `<img`, a run of them with no `>` backtracked without bound: 160 KB took 3 s and a
  // megabyte minutes, so a supplier could stall a run with one record. Searched in linear time, each is quick.
  it.for([
    ['unclosed image tags', '<img '.repeat(200_000)],
    ['unclosed image tags between others', '<img<b'.repeat(166_666)],
    ['one image tag of widths', `<img ${'width='.repeat(166_666)}`],
    ['dotted names', ` ${'a.'.repeat(500_000)}`],
    ['letters', ` ${'a'.repeat(1_000_000)}`],
    ['tracking calls without a bracket', 'gtag '.repeat(200_000)],
  ] as const)('searches a megabyte of %s without backtracking on it', ([, text], { expect }) => {
    expect(trackingIn(text)).toEqual({ host: undefined, markup: [] });
    expect(trackingIn(`${text} <img width=0> https://doubleclick.net/`)).toEqual({
      host: 'doubleclick.net',
      markup: ['a tracking pixel (a 1×1 image)'],
    });
  });
});
