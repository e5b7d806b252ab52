import fc from 'fast-check';
import { isObject, type OperationModel, type ParameterModel } from './model.ts';
import { edgeValues, hostileText, invalidValues, justPastEdges, validValue } from './values.ts';

/**
 * What a generated request is meant to be. `valid`: everything as the description allows. `invalid`: one
 * thing breaks the description, so a 2xx means invalid input was accepted. `neutral`: something the
 * description does not forbid but a careless server chokes on (an unknown query parameter, awkward Unicode,
 * very long text): judged only for 5xx and leaked internals.
 */
export type CaseIntent = 'valid' | 'invalid' | 'neutral';

export interface ExploreCase {
  readonly intent: CaseIntent;
  /** What was done to the request, in words: `limit above maximum`, `unknown query parameter`. */
  readonly how: string;
  readonly pathValues: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  readonly body?: unknown;
}

/** Ids seen in list answers, by path parameter name and by the list's path. */
export interface SeenIds {
  forParameter(operation: OperationModel, parameter: ParameterModel): readonly string[];
}

type Mutation = { intent: CaseIntent; how: string; apply: (base: Draft) => Draft };
interface Draft {
  pathValues: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

const UNKNOWN_PARAMETERS = ['conform_unknown', 'debug', 'admin', 'include_deleted'];

function text(value: unknown): string {
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  // A lone surrogate cannot be put in a URL; it is sent as U+FFFD, as a browser would.
  return raw.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function setParameter(parameter: ParameterModel, value: unknown): (draft: Draft) => Draft {
  return (draft) =>
    parameter.in === 'path'
      ? { ...draft, pathValues: { ...draft.pathValues, [parameter.name]: text(value) } }
      : { ...draft, query: { ...draft.query, [parameter.name]: value } };
}

function parameterEdges(parameter: ParameterModel): Mutation[] {
  return edgeValues(parameter.schema).map(({ how, value }) => ({
    intent: 'valid',
    how: `${parameter.name} ${how}`,
    apply: setParameter(parameter, value),
  }));
}

function parameterBreakages(
  parameter: ParameterModel,
): { weight: number; arbitrary: fc.Arbitrary<Mutation> }[] {
  // An empty path segment is another URL (`/items/` is the list), not a bad id: a path parameter is never
  // broken by making it empty.
  const isEmptyPath = (how: string) =>
    parameter.in === 'path' && how === 'shorter than minLength' && parameter.schema.minLength === 1;
  return invalidValues(parameter.schema)
    .filter(({ how }) => !isEmptyPath(how))
    .map(({ how, value, weight }) => ({
      weight,
      arbitrary: value.map(
        (bad): Mutation => ({
          intent: 'invalid',
          how: `${parameter.name} ${how}`,
          apply: setParameter(parameter, bad),
        }),
      ),
    }));
}

function bodyBreakages(schema: Readonly<Record<string, unknown>>): fc.Arbitrary<Mutation>[] {
  const out: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom<unknown>([], 'text', 42, null).map((bad) => ({
      intent: 'invalid' as const,
      how: 'body of the wrong type',
      apply: (draft: Draft) => ({ ...draft, body: bad }),
    })),
  ];
  const required = Array.isArray(schema.required) ? schema.required.filter((n) => typeof n === 'string') : [];
  if (required.length > 0)
    out.push(
      fc.constantFrom(...(required as string[])).map((name) => ({
        intent: 'invalid' as const,
        how: `body without required ${name}`,
        apply: (draft: Draft) => {
          const body = isObject(draft.body) ? { ...draft.body } : {};
          delete body[name];
          return { ...draft, body };
        },
      })),
    );
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property) || property.readOnly === true) continue;
    for (const { how, value } of invalidValues(property))
      out.push(
        value.map((bad) => ({
          intent: 'invalid' as const,
          how: `body ${name} ${how}`,
          apply: (draft: Draft) => ({
            ...draft,
            body: { ...(isObject(draft.body) ? draft.body : {}), [name]: bad },
          }),
        })),
      );
  }
  return out;
}

/**
 * Requests for one operation: a valid base (optional parameters present or not, path ids taken from list
 * answers where there were any) and one change to it, weighted towards the boundaries and breakages where
 * servers go wrong.
 */
export function caseArbitrary(
  operation: OperationModel,
  seen: SeenIds,
  withBody: boolean,
): fc.Arbitrary<ExploreCase> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const pathModel: Record<string, fc.Arbitrary<string>> = {};
  for (const parameter of pathParameters) {
    const ids = seen.forParameter(operation, parameter);
    pathModel[parameter.name] =
      ids.length > 0
        ? fc.constantFrom(...ids)
        : // An empty segment would be another URL: it is sent as one character instead.
          validValue(parameter.schema).map((value) => text(value) || 'x');
  }
  const queryModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const parameter of queryParameters) queryModel[parameter.name] = validValue(parameter.schema);
  const body = withBody && operation.body ? validValue(operation.body.schema) : undefined;
  const base: fc.Arbitrary<Draft> = fc
    .tuple(
      fc.record(pathModel),
      fc.record(queryModel, {
        requiredKeys: queryParameters.filter((p) => p.required).map((p) => p.name),
      }),
      body ?? fc.constant(undefined),
    )
    .map(([pathValues, query, value]) => ({ pathValues, query, ...(body ? { body: value } : {}) }));

  const mutations: { weight: number; arbitrary: fc.Arbitrary<Mutation> }[] = [
    { weight: 1, arbitrary: fc.constant({ intent: 'valid', how: 'a valid request', apply: (d) => d }) },
  ];
  const edges = operation.parameters.flatMap(parameterEdges);
  if (edges.length > 0) mutations.push({ weight: 3, arbitrary: fc.constantFrom(...edges) });
  const breakages = operation.parameters.flatMap(parameterBreakages);
  if (breakages.length > 0) mutations.push({ weight: 8, arbitrary: fc.oneof(...breakages) });
  const requiredQuery = queryParameters.filter((p) => p.required);
  if (requiredQuery.length > 0)
    mutations.push({
      weight: 1,
      arbitrary: fc.constantFrom(...requiredQuery).map((parameter) => ({
        intent: 'invalid' as const,
        how: `required ${parameter.name} missing`,
        apply: (draft: Draft) => {
          const query = { ...draft.query };
          delete query[parameter.name];
          return { ...draft, query };
        },
      })),
    });
  mutations.push({
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...UNKNOWN_PARAMETERS), fc.constantFrom('1', 'true', '*'))
      .map(([name, value]) => ({
        intent: 'neutral' as const,
        how: `unknown query parameter ${name}`,
        apply: (draft: Draft) => ({ ...draft, query: { ...draft.query, [name]: value } }),
      })),
  });
  const textual = queryParameters.filter((p) => p.schema.type === 'string' && p.schema.enum === undefined);
  if (textual.length > 0)
    mutations.push({
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...textual), hostileText()).map(([parameter, value]) => {
        const limit = typeof parameter.schema.maxLength === 'number' ? parameter.schema.maxLength : Infinity;
        return {
          // Past a declared maxLength (counted in code points, as JSON Schema counts), the text is invalid.
          intent: [...value].length > limit ? ('invalid' as const) : ('neutral' as const),
          how: `${parameter.name} awkward or long text`,
          apply: (draft: Draft) => ({ ...draft, query: { ...draft.query, [parameter.name]: value } }),
        };
      }),
    });
  if (withBody && operation.body) {
    const schema = operation.body.schema;
    mutations.push({ weight: 4, arbitrary: fc.oneof(...bodyBreakages(schema)) });
  }

  return fc
    .tuple(base, fc.oneof(...mutations))
    .map(([draft, mutation]) => finish(mutation.intent, mutation.how, mutation.apply(draft)));
}

function finish(intent: CaseIntent, how: string, done: Draft): ExploreCase {
  const query: [string, string][] = [];
  for (const [name, value] of Object.entries(done.query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) query.push([name, text(item)]);
    else query.push([name, text(value)]);
  }
  return {
    intent,
    how,
    pathValues: done.pathValues,
    query,
    ...(done.body !== undefined ? { body: done.body } : {}),
  };
}

/**
 * The fixed requests tried for an operation before any random one: for each parameter, each documented
 * edge and the value just past it (and a value of the wrong type), on a plain valid request (path ids from
 * list answers, required query parameters only). Off-by-one mistakes live at documented edges, so they are
 * reached whatever the seed; the seed only picks the plain request's own values where nothing was seen.
 */
export function edgeCases(
  operation: OperationModel,
  seen: SeenIds,
  withBody: boolean,
  seed: number,
): ExploreCase[] {
  const sample = (schema: Readonly<Record<string, unknown>>) =>
    fc.sample(validValue(schema), { seed, numRuns: 1 })[0];
  const base: Draft = { pathValues: {}, query: {} };
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path')
      base.pathValues[parameter.name] =
        seen.forParameter(operation, parameter)[0] ?? (text(sample(parameter.schema)) || 'x');
    else if (parameter.required) base.query[parameter.name] = sample(parameter.schema);
  }
  if (withBody && operation.body) base.body = sample(operation.body.schema);
  const out: ExploreCase[] = [];
  for (const parameter of operation.parameters) {
    const edges = edgeValues(parameter.schema);
    const past = justPastEdges(parameter.schema).filter(
      // An empty path segment is another URL, not a bad id (as in parameterBreakages).
      ({ value }) => !(parameter.in === 'path' && value === ''),
    );
    for (const edge of edges)
      out.push(finish('valid', `${parameter.name} ${edge.how}`, setParameter(parameter, edge.value)(base)));
    for (const beyond of past)
      out.push(
        finish('invalid', `${parameter.name} ${beyond.how}`, setParameter(parameter, beyond.value)(base)),
      );
  }
  return out;
}

/** The request line of a case: the path with its values filled in, and its query string. */
export function requestPath(operation: OperationModel, exploreCase: ExploreCase): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) =>
    encodeURIComponent(exploreCase.pathValues[name] ?? ''),
  );
  const query = new URLSearchParams(
    exploreCase.query.map(([name, value]): [string, string] => [name, value]),
  ).toString();
  return query ? `${path}?${query}` : path;
}
