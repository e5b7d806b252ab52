import { describe, expect, it } from 'vitest';
import { HarnessError, linkTarget, parseLinkHeader, resolveLink } from '../src/index.ts';

describe('Link headers (RFC 8288)', () => {
  it('reads several links, quoted and unquoted rel values, and rel lists', () => {
    const header =
      '</items?cursor=1>; rel="prev", <https://api.example/items?cursor=3>; rel="next last"; title="Page 3", ' +
      '</openapi.json>; rel=service-desc';
    expect(parseLinkHeader(header)).toEqual([
      { target: '/items?cursor=1', rel: ['prev'], params: { rel: 'prev' } },
      {
        target: 'https://api.example/items?cursor=3',
        rel: ['next', 'last'],
        params: { rel: 'next last', title: 'Page 3' },
      },
      { target: '/openapi.json', rel: ['service-desc'], params: { rel: 'service-desc' } },
    ]);
    expect(linkTarget(header, 'next')).toBe('https://api.example/items?cursor=3');
    expect(linkTarget(header, 'last')).toBe('https://api.example/items?cursor=3');
    expect(linkTarget(header, 'service-desc')).toBe('/openapi.json');
    expect(linkTarget(header, 'license')).toBeUndefined();
    expect(linkTarget(undefined, 'next')).toBeUndefined();
  });

  it('keeps commas and semicolons inside quotes and targets, and compares rel without case', () => {
    const header =
      '<https://api.example/a?ids=1,2;3>; title="one, two; <three>"; REL="Next", <b>; rel="next"';
    expect(linkTarget(header, 'next')).toBe('https://api.example/a?ids=1,2;3');
    expect(parseLinkHeader(header)[0]?.params.title).toBe('one, two; <three>');
    expect(parseLinkHeader('<a>; title="say \\"hi\\""; rel=next')[0]?.params.title).toBe('say "hi"');
  });

  it('matches whole relation types only, and the first rel of a link when it is repeated', () => {
    // The old reader's \bnext\b found "next" in "prev-next" and took the first link it matched.
    expect(linkTarget('</x>; rel="prev-next", </y>; rel="next"', 'next')).toBe('/y');
    expect(linkTarget('</x>; rel="prev"; rel="next"', 'next')).toBeUndefined();
  });

  it('passes over what is not a link and keeps reading', () => {
    expect(linkTarget('garbage, </ok>; rel=next', 'next')).toBe('/ok');
    expect(linkTarget('</ok>; rel=next junk, </other>; rel=prev', 'prev')).toBe('/other');
    expect(parseLinkHeader('<unclosed; rel=next')).toEqual([]);
  });
});

describe('resolving a link against the response that carried it (RFC 3986 §5)', () => {
  const page = 'https://api.example/v1/repairs?limit=100';

  it.each([
    ['?cursor=abc', 'https://api.example/v1/repairs?cursor=abc'],
    ['repairs?cursor=2', 'https://api.example/v1/repairs?cursor=2'],
    ['/v2/x?c=1', 'https://api.example/v2/x?c=1'],
    ['../other', 'https://api.example/other'],
    ['//cdn.example/p?q=1', 'https://cdn.example/p?q=1'],
    ['https://elsewhere.example/a#part', 'https://elsewhere.example/a'],
    ['?cursor=a#frag', 'https://api.example/v1/repairs?cursor=a'],
  ])('%s → %s', (reference, expected) => {
    expect(resolveLink(reference, page).href).toBe(expected);
  });

  it('refuses, by name, what does not resolve to an http(s) URL or carries credentials', () => {
    const refused = (reference: string) => {
      try {
        resolveLink(reference, page, 'the next link');
      } catch (error) {
        expect(error).toBeInstanceOf(HarnessError);
        expect((error as HarnessError).code).toBe('INVALID_LINK');
        return (error as Error).message;
      }
      throw new Error(`${reference} resolved`);
    };
    expect(refused('http://exa mple/')).toMatch(
      /^the next link "http:\/\/exa mple\/" given by https:\/\/api\.example\/v1\/repairs\?limit=100 is not a URI reference/,
    );
    expect(refused('javascript:alert(1)')).toMatch(/resolves to a javascript: URL; only http and https/);
    expect(refused('ftp://files.example/x')).toMatch(/resolves to a ftp: URL/);
    const userinfo = refused('https://user:p4ssw0rd@api.example/x');
    expect(userinfo).toMatch(/carries a user name or password in the URL/);
    expect(userinfo).not.toContain('p4ssw0rd');
    expect(refused(`http://[${'a'.repeat(5000)}`).length).toBeLessThan(400);
  });
});
