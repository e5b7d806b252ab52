import { describe, expect, it } from 'vitest';
import { resolveDocument } from '../src/index.ts';

describe('resolveDocument on a description read from a URL', () => {
  it('follows pointers into the same document, and fetches nothing else', async () => {
    const root = {
      openapi: '3.1.0',
      paths: { '/items/{id}': { parameters: [{ $ref: '#/components/parameters/Id' }] } },
      components: {
        parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
      },
      other: { $ref: 'https://elsewhere.example/schema.json' },
    };
    const loaded: string[] = [];
    const resolved = await resolveDocument(root, 'http://127.0.0.1:8080/openapi.json', async (path) => {
      loaded.push(path);
      throw new Error('nothing is fetched');
    });
    const data = resolved.data as { paths: Record<string, { parameters: { name?: string }[] }> };
    expect(data.paths['/items/{id}']?.parameters[0]?.name).toBe('id');
    expect(loaded).toEqual([]);
  });
});
