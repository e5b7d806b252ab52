import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { CLAUSE_IDS } from '@council-conform/clauses';
import { DocumentError, parseDocument, readDocumentText, resolvePointer } from '@council-conform/openapi';
import { countSeverities, type LintFinding, type LintResult, type RuleSummary } from './findings.ts';
import { isObject, type JsonPath } from './model.ts';
import { ENGINE_CODES, type Severity } from './rules.ts';
import { createCouncilRuleset, docsUrlOf, type LintProfile, ruleOf } from './ruleset.ts';
import {
  Document,
  type IRuleResult,
  JsonParser,
  Resolver,
  Ruleset,
  type RulesetFunctionContext,
  Spectral,
  YamlParser,
} from './spectral.ts';

export interface LintOptions {
  /** Also report the operations this profile requires and the description lacks. */
  readonly profile?: LintProfile;
  /** Findings' file names are shown relative to this directory (default: the process's). */
  readonly cwd?: string;
}

/** The lint itself failed (not the description): always a bug to report, never a supplier finding. */
export class LintEngineError extends Error {
  override readonly name = 'LintEngineError';
  readonly code = 'LINT_ENGINE_FAILED';
}

/** Lints a description from a file path or an http(s) URL. Throws `DocumentError` when it cannot be judged. */
export async function lintDescription(location: string, options: LintOptions = {}): Promise<LintResult> {
  const { source, text } = await readDocumentText(location, options.cwd ? { cwd: options.cwd } : {});
  return lintText(text, source, options);
}

/**
 * Lints description text. `source` is its absolute path or URL: relative `$ref`s are read beside a file
 * (never fetched from a server). Throws `DocumentError` (`DOCUMENT_SYNTAX`, `DOCUMENT_NOT_OPENAPI`,
 * `DOCUMENT_SWAGGER_2`) when the text cannot be judged as OpenAPI 3 at all.
 */
export async function lintText(text: string, source: string, options: LintOptions = {}): Promise<LintResult> {
  const started = performance.now();
  const document = parse(text, source);
  const openapi = assertOpenApi3(document.data, source);
  assertReferencesAreStrings(document, source);
  let ruleset: InstanceType<typeof Ruleset>;
  let results: IRuleResult[];
  try {
    ruleset = rulesetFor(options.profile);
    const spectral = new Spectral({ resolver: createResolver() });
    spectral.setRuleset(ruleset);
    results = await spectral.run(document);
  } catch (error) {
    throw new LintEngineError(
      `${source}: the linter itself failed (${describeError(error)}). This is a fault in Council Conform, not in the description: please report it with the file.`,
    );
  }
  const findings = toFindings(results, source, document.data, options.cwd ?? process.cwd());
  return {
    source: displaySource(source, options.cwd ?? process.cwd()),
    openapi,
    ...(options.profile ? { profile: options.profile.id } : {}),
    findings,
    counts: countSeverities(findings),
    rules: rulesThatRan(ruleset, document),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Every rule that ran on this document (Spectral sets its formats, OpenAPI 3.0 or 3.1, during the run). */
function rulesThatRan(ruleset: InstanceType<typeof Ruleset>, document: SpectralDocument): RuleSummary[] {
  const ran = Object.values(ruleset.rules)
    .filter((rule) => rule.enabled && rule.matchesFormat(document.formats ?? null))
    .map((rule) => rule.name);
  return [...ran, ...Object.keys(ENGINE_CODES)].sort().map((id) => {
    const rule = ruleOf(id);
    const severity = ruleset.rules[id]?.severity;
    return {
      id,
      clause: rule?.clause ?? 'open-api',
      severity: (typeof severity === 'number' ? SEVERITIES[severity] : undefined) ?? 'error',
      description: rule?.description ?? id,
      docs: docsUrlOf(id),
    };
  });
}

/** Spectral throws AggregateErrors whose own message is empty; name what is inside. */
function describeError(error: unknown): string {
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.map(describeError).join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

type SpectralDocument = Parameters<InstanceType<typeof Spectral>['run']>[0] & {
  readonly data: unknown;
  readonly diagnostics: readonly IRuleResult[];
  formats?: InstanceType<typeof Document>['formats'];
  getRangeForJsonPath?: InstanceType<typeof Document>['getRangeForJsonPath'];
};

function parse(text: string, source: string): SpectralDocument {
  const body = text.replace(/^\uFEFF/, '');
  const json = /^\s*[{[]/.test(body);
  const document: SpectralDocument = json
    ? new Document(body, JsonParser, source)
    : new Document(body, YamlParser, source);
  // Duplicate keys and non-scalar keys still parse; Spectral reports them as `parser` findings.
  const syntax = document.diagnostics.find(
    (d) => d.severity === 0 && !/^(Duplicate key|Mapping key must be a string scalar)/.test(d.message),
  );
  if (syntax) {
    // Our own parser words the error the same way everywhere else in Council Conform.
    parseDocument(body, source);
    const line = syntax.range.start.line + 1;
    const column = syntax.range.start.character + 1;
    throw new DocumentError(
      'DOCUMENT_SYNTAX',
      `${source}:${line}:${column}: not valid ${json ? 'JSON' : 'YAML'}, parsing stopped here: ${syntax.message}`,
      source,
      { line, column },
    );
  }
  return document;
}

/** The document's `openapi` version, or a `DocumentError` saying what it is instead. */
function assertOpenApi3(data: unknown, source: string): string {
  if (!isObject(data)) {
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${source}: not an OpenAPI description: expected an object with an "openapi" field at the top, found ${Array.isArray(data) ? 'a list' : data === null || data === undefined ? 'nothing' : `a ${typeof data}`}.`,
      source,
    );
  }
  if (data.swagger !== undefined) {
    throw new DocumentError(
      'DOCUMENT_SWAGGER_2',
      `${source}: this is a Swagger ${String(data.swagger)} (OpenAPI 2.0) description; conform lint reads OpenAPI 3.1 and 3.0. Convert it first (for example with swagger2openapi) and lint the result.`,
      source,
    );
  }
  const version = data.openapi;
  if (version === undefined) {
    const other = ['asyncapi', 'arazzo', '$schema'].find((key) => key in data);
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${source}: not an OpenAPI description: there is no "openapi" field at the top${other ? ` (it has "${other}" instead)` : ''}.`,
      source,
    );
  }
  if (typeof version !== 'string' || !/^3\.\d+(\.\d+)?$/.test(version)) {
    throw new DocumentError(
      'DOCUMENT_NOT_OPENAPI',
      `${source}: "openapi: ${String(version)}" is not an OpenAPI 3 version; conform lint reads OpenAPI 3.1 and 3.0 (write the version as a string, e.g. "3.1.0").`,
      source,
    );
  }
  return version;
}

/**
 * A `$ref` that is not a string stops Spectral's resolver outright, so the description cannot be judged
 * until it is fixed: say where it is.
 */
function assertReferencesAreStrings(document: SpectralDocument, source: string): void {
  const find = (node: unknown, at: JsonPath): JsonPath | undefined => {
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) {
        const found = find(child, [...at, index]);
        if (found) return found;
      }
      return undefined;
    }
    if (!isObject(node)) return undefined;
    if ('$ref' in node && typeof node.$ref !== 'string') return [...at, '$ref'];
    for (const [key, child] of Object.entries(node)) {
      const found = find(child, [...at, key]);
      if (found) return found;
    }
    return undefined;
  };
  const at = find(document.data, []);
  if (!at) return;
  const range = document.getRangeForJsonPath?.(at, true);
  const line = range ? range.start.line + 1 : undefined;
  const column = range ? range.start.character + 1 : undefined;
  throw new DocumentError(
    'DOCUMENT_NOT_OPENAPI',
    `${source}${line ? `:${line}:${column}` : ''}: "$ref" at ${jsonPathOf(at, document.data)} is ${JSON.stringify(isObject(document.data) ? resolvePointer(document.data, pointerOf(at)) : null)}, not a string, so no reference in the description can be followed. Make it a string (or rename the key if it is a property called "$ref") and lint again.`,
    source,
    ...(line && column ? [{ line, column }] : []),
  );
}

const rulesets = new Map<string, InstanceType<typeof Ruleset>>();

/** Rulesets are compiled once per profile and reused. */
function rulesetFor(profile: LintProfile | undefined): InstanceType<typeof Ruleset> {
  const key = profile ? JSON.stringify(profile) : '';
  let ruleset = rulesets.get(key);
  if (!ruleset) {
    ruleset = new Ruleset(createCouncilRuleset(profile ? { profile } : {}));
    for (const rule of Object.values(ruleset.rules)) {
      rule.then = rule.then.map((then) => ({ ...then, function: guarded(then.function) }));
    }
    rulesets.set(key, ruleset);
  }
  return ruleset;
}

type RuleFunction = InstanceType<typeof Ruleset>['rules'][string]['then'][number]['function'];

/**
 * One rule failing on an odd corner of a description (Spectral's own functions throw on, say, a `$ref`
 * where a string belongs) must not stop every other rule: the failure becomes that rule's finding, at
 * the place it could not judge, and the lint goes on.
 */
function guarded(fn: RuleFunction): RuleFunction {
  const couldNotJudge = (error: unknown, context: RulesetFunctionContext) => [
    {
      message: `This rule could not judge this part of the description (${describeError(error)}); it is probably malformed here. The other rules still ran.`,
      path: context.path,
    },
  ];
  const wrapped: RuleFunction = (input, options, context) => {
    try {
      const results = fn(input, options, context);
      return results instanceof Promise
        ? results.catch((error: unknown) => couldNotJudge(error, context))
        : results;
    } catch (error) {
      return couldNotJudge(error, context);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped;
}

/**
 * Files beside the description are read; nothing is fetched from a server. A remote `$ref` resolves to an
 * empty schema so the rest of the description is still judged, and `open-api-self-contained` reports it.
 */
function createResolver(): InstanceType<typeof Resolver> {
  const remote = { resolve: async () => '{}' };
  return new Resolver({
    resolvers: {
      http: remote,
      https: remote,
      file: {
        async resolve(uri: { href(): string }) {
          const path = uri.href();
          try {
            return await readFile(path, 'utf8');
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            throw new Error(
              `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`,
            );
          }
        },
      },
    },
  });
}

function displaySource(source: string, cwd: string): string {
  if (!isAbsolute(source)) return source;
  const relativePath = relative(cwd, source);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? source : relativePath;
}

export function pointerOf(path: JsonPath): string {
  return path.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A JSONPath for a path; `data` (the document it is in) tells array indexes from keys that are digits. */
export function jsonPathOf(path: JsonPath, data?: unknown): string {
  let node = data;
  return `$${path
    .map((token) => {
      const inArray = Array.isArray(node);
      node =
        isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[String(token)] : undefined;
      return { token, inArray };
    })
    .map(({ token, inArray }) =>
      typeof token === 'number' || (inArray && /^\d+$/.test(token))
        ? `[${token}]`
        : /^[A-Za-z_$][\w$]*$/.test(token)
          ? `.${token}`
          : `['${token.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`,
    )
    .join('')}`;
}

const SEVERITIES: readonly Severity[] = ['error', 'warn', 'info', 'hint'];

function toFindings(
  results: readonly IRuleResult[],
  entry: string,
  entryData: unknown,
  cwd: string,
): LintFinding[] {
  const seen = new Set<string>();
  const findings: LintFinding[] = [];
  for (const result of results) {
    const checkId = String(result.code);
    // A remote $ref resolves to an empty stub (never fetched); open-api-self-contained reports it.
    if (checkId === 'invalid-ref' && /@ 'https?:/i.test(result.message)) continue;
    const source = result.source ?? entry;
    const pointer = pointerOf(result.path);
    const key = `${checkId}\u0000${source}\u0000${pointer}\u0000${result.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule = ruleOf(checkId);
    const severity = SEVERITIES[result.severity] ?? 'warn';
    findings.push({
      checkId,
      clause: rule?.clause ?? 'open-api',
      severity,
      status: severity === 'error' ? 'fail' : 'warn',
      // Spectral's templates add a full stop to messages that already have one.
      message: result.message.replace(/\.\.$/, '.'),
      location: {
        source: displaySource(source, cwd),
        pointer,
        jsonPath: jsonPathOf(result.path, source === entry ? entryData : undefined),
        line: result.range.start.line + 1,
        column: result.range.start.character + 1,
      },
      evidence: { ruleset: rule?.source ?? 'spectral-core' },
      docs: docsUrlOf(checkId),
    });
  }
  const clauseOrder = (finding: LintFinding) => CLAUSE_IDS.indexOf(finding.clause);
  const entrySource = displaySource(entry, cwd);
  return findings.sort(
    (a, b) =>
      clauseOrder(a) - clauseOrder(b) ||
      Number(a.location.source !== entrySource) - Number(b.location.source !== entrySource) ||
      a.location.source.localeCompare(b.location.source) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      (a.location.column ?? 0) - (b.location.column ?? 0) ||
      a.checkId.localeCompare(b.checkId),
  );
}
