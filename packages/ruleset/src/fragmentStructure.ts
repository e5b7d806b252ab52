/**
 * Spectral's `oas3-schema` holds the entry file to the OpenAPI schema, and only the entry file: a response,
 * parameter or path item written in another file would go unjudged, so a description split over files
 * could pass what its bundle fails. Each such object a `$ref` reaches is held to the same schema here,
 * with the same precompiled validators, as the kind of object its `$ref` stands for.
 */
import { fragmentKindAt, type JsonObject, pointerTokens, resolvePointer } from '@council-conform/openapi';
import { isPathItemReference } from './functions/oasStructure.ts';
import { isObject } from './model.ts';
import type { Resolution } from './resolver.ts';
import type { IFunctionResult, RulesetFunction } from './spectral.ts';
import { oas } from './spectral.ts';

const spectralStructure = oas.rules['oas3-schema'].then.function as RulesetFunction<unknown, unknown>;

type Place = (name: string) => string[];

/** Where an object of each kind sits in the document it is validated in. */
const PLACES: Readonly<Record<string, Place>> = {
  response: (name) => ['components', 'responses', name],
  parameter: (name) => ['components', 'parameters', name],
  header: (name) => ['components', 'headers', name],
  'request-body': (name) => ['components', 'requestBodies', name],
  'path-item': (name) => ['paths', `/${name}`],
};

export interface FragmentProblem {
  readonly source: string;
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * The structural problems of every object in another file that a `$ref` of a description reaches, each
 * where it is in that file. `formats`: the entry's, which say which schema applies.
 */
export async function fragmentStructureProblems(
  resolution: Resolution,
  entry: string,
  openapi: string,
  formats: unknown,
  /** What is judged of a target: as written, unless the description's files were converted (Swagger 2.0). */
  judgedAt: (file: string, pointer: string, written: unknown) => unknown = (_file, _pointer, written) =>
    written,
): Promise<FragmentProblem[]> {
  const candidates = new Map<string, { source: string; at: string[]; value: JsonObject; place: Place }>();
  for (const reference of resolution.followed) {
    if (reference.file === entry) continue;
    const key = `${reference.file}#${reference.pointer}`;
    const kind = fragmentKindAt(reference.path);
    const place = kind ? PLACES[kind] : undefined;
    if (candidates.has(key) || !place) continue;
    const at = pointerTokens(reference.pointer);
    const written = resolvePointer(resolution.data.get(reference.file), reference.pointer);
    const value = judgedAt(reference.file, reference.pointer, written);
    // A `$ref` to a `$ref` is judged where the chain ends; a path item that is a `$ref` is held to what
    // may be beside it, as in the entry (oasStructure).
    if (
      !isObject(value) ||
      (typeof value.$ref === 'string' && (kind !== 'path-item' || isPathItemReference(value)))
    )
      continue;
    candidates.set(key, { source: reference.file, at, value, place });
  }
  // What lies inside another one is validated with it, once: a path item's responses, say. Sorted by file
  // and place, everything inside one comes right after it.
  const order = (c: { source: string; at: string[] }) => `${c.source}\u0000${c.at.join('\u0000')}`;
  const sorted = [...candidates.values()].sort((a, b) =>
    order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0,
  );
  const chosen: typeof sorted = [];
  for (const candidate of sorted) {
    const last = chosen.at(-1);
    const within =
      last !== undefined &&
      last.source === candidate.source &&
      last.at.length < candidate.at.length &&
      last.at.every((token, i) => candidate.at[i] === token);
    if (!within) chosen.push(candidate);
  }
  const fragments: { source: string; at: string[]; place: string[] }[] = [];
  const wrapper: JsonObject = { openapi, info: { title: 'fragments', version: '0' }, paths: {} };
  for (const { source, at, value, place } of chosen) {
    const where = place(`f${fragments.length}`);
    let holder = wrapper;
    for (const token of where.slice(0, -1)) {
      if (!isObject(holder[token])) holder[token] = {};
      holder = holder[token] as JsonObject;
    }
    holder[where.at(-1) as string] = value;
    fragments.push({ source, at, place: where });
  }
  if (fragments.length === 0) return [];
  const results = ((await spectralStructure(wrapper, null, {
    document: { formats },
  } as unknown as Parameters<typeof spectralStructure>[2])) ?? []) as IFunctionResult[];
  const problems: FragmentProblem[] = [];
  for (const result of results) {
    const path = (result.path ?? []).map((token) => String(token).replace(/~1/g, '/').replace(/~0/g, '~'));
    const fragment = fragments.find(({ place }) => place.every((token, i) => path[i] === token));
    if (!fragment) continue;
    // The message names the object by the key it had here; it is named by the one it has in its file.
    const placed = `"${fragment.place.at(-1)}"`;
    const named = `"${fragment.at.at(-1) ?? fragment.source}"`;
    problems.push({
      source: fragment.source,
      path: [...fragment.at, ...path.slice(fragment.place.length)],
      message: result.message.split(placed).join(named),
    });
  }
  return problems;
}
