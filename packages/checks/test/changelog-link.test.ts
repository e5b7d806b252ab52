import { describe, expect, it } from 'vitest';
import { changelogLink } from '../src/transparent/transparent-changelog.ts';

const described = (description: string) => changelogLink({ info: { description } });

describe('a changelog linked in the description', () => {
  it('is found by a Markdown link’s text or target, or by a bare address', () => {
    expect(described('See the [changelog](https://example.org/docs) for changes.')).toBe(
      'a link in info.description',
    );
    expect(described('See [what we did](https://example.org/release-notes "Release notes").')).toBe(
      'a link in info.description',
    );
    expect(described('[Changelog [v2]](https://example.org/v2)')).toBe('a link in info.description');
    expect(described('History: https://example.org/history')).toBe('a link in info.description');
    expect(described('Read [the guide](https://example.org/guide) first.')).toBeUndefined();
  });

  // Unbounded, these backtracked from every `[` (a target from every split of it): 40 KB of `[` took 1 s,
  // 4 KB of unclosed links 5 s (cubic), so a supplier could stall a run with one description. Searched in
  // linear time, each is quick, and a link after it is still found.
  it.for([
    ['opening brackets', '['.repeat(1_000_000)],
    ['a link target with no closing bracket', `[](${'x'.repeat(1_000_000)}`],
    ['unclosed links', '[](x'.repeat(250_000)],
    ['unclosed links with titles', '[](x "t '.repeat(125_000)],
    ['nested brackets', `[${'[a]'.repeat(333_333)}`],
  ] as const)('searches a megabyte of %s without backtracking on it', ([, text], { expect }) => {
    expect(described(text)).toBeUndefined();
    expect(described(`${text}) [changelog](https://example.org/c)`)).toBe('a link in info.description');
  });
});
