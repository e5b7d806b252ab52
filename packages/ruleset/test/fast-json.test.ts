import { describe, expect, it } from 'vitest';
import { FastJsonParser, hasDuplicateKey } from '../src/fastJson.ts';
import { lintText } from '../src/index.ts';
import { cleanDocument } from './support/documents.ts';

describe('hasDuplicateKey', () => {
  it('finds a key named twice in one object, however it is escaped', () => {
    expect(hasDuplicateKey('{"a": 1, "b": {"a": 2}}')).toBe(false);
    expect(hasDuplicateKey('{"a": 1, "b": 2, "a": 3}')).toBe(true);
    expect(hasDuplicateKey('{"x": [{"a": 1}, {"a": 2}], "y": {"a": 1 , "a" : 2}}')).toBe(true);
    expect(hasDuplicateKey('{"A": 1, "\\u0041": 2}')).toBe(true);
  });

  it('is not misled by strings that hold quotes, colons and braces', () => {
    expect(hasDuplicateKey('{"a": "x\\": {\\"a\\": 1", "b": ["a", "a"], "c": "a:"}')).toBe(false);
    expect(hasDuplicateKey('{"a": "}{", "a": 1}')).toBe(true);
  });
});

describe('FastJsonParser', () => {
  it('reads the data at once and the positions only when asked, where Spectral’s parser puts them', () => {
    const text = JSON.stringify(cleanDocument(), null, 2);
    const result = FastJsonParser.parse(text);
    expect(result.data).toEqual(JSON.parse(text));
    expect(result.diagnostics).toEqual([]);
    const path = ['paths', '/records', 'get', 'summary'];
    const range = FastJsonParser.getLocationForJsonPath(result, path, true)?.range;
    const line = text.split('\n').findIndex((l) => l.includes('"summary"'));
    expect(range?.start.line).toBe(line);
  });

  it('leaves a duplicate key and a syntax error to Spectral’s parser, which reports them', async () => {
    const duplicated =
      '{"openapi": "3.1.0", "openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}';
    const linted = await lintText(duplicated, '/virtual/openapi.json');
    expect(linted.findings.some((f) => f.checkId === 'parser' && /Duplicate key/.test(f.message))).toBe(true);
    expect(FastJsonParser.parse('{"a": }').diagnostics.length).toBeGreaterThan(0);
  });
});
