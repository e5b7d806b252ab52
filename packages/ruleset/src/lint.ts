import { isAbsolute, relative } from 'node:path';
import { CLAUSE_IDS } from '@council-conform/clauses';
import {
  assertWithinLimits,
  type ConvertedSwagger,
  convertSwagger2,
  DocumentError,
  type DocumentText,
  isSwagger2,
  nearestExisting,
  parseDocument,
  pointerTokens,
  readDocumentText,
  resolvePointer,
  SwaggerFragments,
  withSharedBodyParameters,
} from '@council-conform/openapi';
import { FastJsonParser } from './fastJson.ts';
import { countSeverities, type LintFinding, type LintResult, type RuleSummary } from './findings.ts';
import { fragmentStructureProblems } from './fragmentStructure.ts';
import { componentNameProblem, componentSectionOf } from './functions/componentNames.ts';
import { isObject, type JsonPath } from './model.ts';
import { LinearResolver, NonStringReference, type Resolution } from './resolver.ts';
import { ENGINE_CODES, type Severity } from './rules.ts';
import { createCouncilRuleset, docsUrlOf, type LintProfile, ruleOf } from './ruleset.ts';
import {
  Document,
  type IRuleResult,
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
  const read = await readDocumentText(location, options.cwd ? { cwd: options.cwd } : {});
  try {
    return await lintText(read.text, read.source, options);
  } catch (error) {
    throw withResponseNamed(error, read);
  }
}

/** A URL that served something other than a description: say what the server sent. */
function withResponseNamed(error: unknown, read: DocumentText): unknown {
  if (!(error instanceof DocumentError) || !read.response) return error;
  if (error.code !== 'DOCUMENT_SYNTAX' && error.code !== 'DOCUMENT_NOT_OPENAPI') return error;
  const named = new DocumentError(
    error.code,
    `${error.message} (The server answered ${read.response.status} with content type ${read.response.contentType}.)`,
    error.source,
    ...(error.location ? [error.location] : []),
  );
  return named;
}

/**
 * The rule a converted Swagger 2.0 description is noted under: it asks for OpenAPI 3.1, which is exactly
 * what such a description lacks (the converted document it judges says 3.1, so it cannot see that itself).
 */
export const SWAGGER_CONVERTED = 'open-api-version';

/**
 * Lints description text. `source` is its absolute path or URL: relative `$ref`s are read beside a file
 * (never fetched from a server). The text is held to `DOCUMENT_LIMITS` before any parser reads it. Throws
 * `DocumentError` (`DOCUMENT_TOO_LARGE`, `DOCUMENT_SYNTAX`, `DOCUMENT_NOT_OPENAPI`, `DOCUMENT_SWAGGER_2`)
 * when the text cannot be judged; a Swagger 2.0 description is converted to OpenAPI 3.1 and linted.
 */
export async function lintText(text: string, source: string, options: LintOptions = {}): Promise<LintResult> {
  try {
    return await lintWithinLimits(text, source, options);
  } catch (error) {
    // The caps keep nesting far below any stack's depth; a stack overflow all the same is still the
    // description's doing, and says so rather than crash.
    if (isStackOverflow(error)) {
      throw new DocumentError(
        'DOCUMENT_TOO_LARGE',
        `${source}: nested too deeply to be read (the reader ran out of stack); flatten it and lint again.`,
        source,
      );
    }
    throw error;
  }
}

const isStackOverflow = (error: unknown): boolean =>
  error instanceof RangeError && /call stack/i.test(error.message);

async function lintWithinLimits(text: string, source: string, options: LintOptions): Promise<LintResult> {
  const started = performance.now();
  assertWithinLimits(text, source);
  const written = parse(text, source);
  const swagger = isSwagger2(written.data)
    ? convertSwagger2(
        await withSharedBodyParameters(written.data, source, sharedTargetReader()),
        source,
        written.data,
      )
    : undefined;
  const document: SpectralDocument = swagger
    ? new Document(JSON.stringify(swagger.document), FastJsonParser, source)
    : written;
  const openapi = assertOpenApi3(document.data, source);
  let ruleset: InstanceType<typeof Ruleset>;
  let results: IRuleResult[];
  let referred: ReferredFiles;
  let structure: IRuleResult[];
  // The files a Swagger 2.0 description refers to are Swagger 2.0 too, and are converted as it was.
  const fragments =
    swagger && isObject(written.data) ? new SwaggerFragments(source, written.data) : undefined;
  const resolver = new LinearResolver(
    swagger && fragments
      ? {
          adapt: fragments.adapt,
          // Those files point into the entry as it was written: `api.yaml#/definitions/Pet`.
          pointerIn: (file, pointer) => (file === source ? swagger.convertedPointerOf(pointer) : pointer),
        }
      : {},
  );
  try {
    ruleset = rulesetFor(options.profile);
    // Spectral's published type names its own resolver class; ours gives it the same two members it uses.
    const spectral = new Spectral({ resolver: resolver as unknown as SpectralResolver });
    spectral.setRuleset(ruleset);
    results = await spectral.run(document);
    referred = new ReferredFiles(resolver.resolution);
    structure = await structureResults(resolver.resolution, ruleset, document, openapi, referred, fragments);
  } catch (error) {
    if (error instanceof NonStringReference) throw nonStringReferenceError(error, written, source);
    if (error instanceof DocumentError || isStackOverflow(error)) throw error;
    throw new LintEngineError(
      `${source}: the linter itself failed (${describeError(error)}). This is a fault in Council Conform, not in the description: please report it with the file.`,
    );
  }
  const judged = [
    ...results,
    ...referenceResults(resolver.resolution, ruleset, document, referred),
    ...structure,
    ...componentNameResults(resolver.resolution, ruleset, document, referred, swagger !== undefined),
  ];
  const cwd = options.cwd ?? process.cwd();
  const findings = toFindings(
    swagger
      ? [
          ...mapToSwagger(judged, swagger, written, fragments, referred),
          ...swaggerResults(swagger, written, ruleset),
        ]
      : judged,
    source,
    swagger ? written.data : document.data,
    cwd,
  );
  return {
    source: displaySource(source, cwd),
    openapi,
    ...(swagger ? { convertedFrom: `Swagger ${swagger.swagger}` } : {}),
    ...(options.profile ? { profile: options.profile.id } : {}),
    findings,
    counts: countSeverities(findings),
    rules: rulesThatRan(ruleset, document),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Reads the target of a `$ref` into another file, each file once and within the same limits as the entry;
 * undefined when it cannot be read (the resolver reports that, once, where the `$ref` is).
 */
function sharedTargetReader(): (file: string, pointer: string) => Promise<unknown> {
  const files = new Map<string, Promise<unknown>>();
  const readOnce = (file: string) => {
    let read = files.get(file);
    if (!read) {
      read = readDocumentText(file)
        .then(({ text }) => parseDocument(text, file).data)
        .catch(() => undefined);
      files.set(file, read);
    }
    return read;
  };
  return async (file, pointer) => {
    const data = await readOnce(file);
    return data === undefined ? undefined : resolvePointer(data, pointer);
  };
}

type SpectralResolver = NonNullable<ConstructorParameters<typeof Spectral>[0]>['resolver'];

/** What the resolver found wrong, as Spectral results: unresolvable references and cycles across files. */
function referenceResults(
  resolution: Resolution,
  ruleset: InstanceType<typeof Ruleset>,
  entry: SpectralDocument,
  files: ReferredFiles,
): IRuleResult[] {
  const cycleSeverity = ruleset.rules[CYCLE_RULE]?.severity;
  return resolution.problems.map((problem) => {
    const path = [...problem.path, '$ref'];
    return {
      code: problem.kind === 'cycle' ? CYCLE_RULE : 'invalid-ref',
      message: problem.message,
      path,
      severity:
        problem.kind === 'cycle' && typeof cycleSeverity === 'number' && cycleSeverity >= 0
          ? cycleSeverity
          : 0,
      source: problem.source,
      range: rangeIn(problem.source, path, entry, files),
    };
  });
}

const CYCLE_RULE = 'open-api-no-ref-cycles';
const STRUCTURE_RULE = 'oas3-schema';
const NAMES_RULE = 'open-api-component-names';

/** The severity a rule of the ruleset reports at, or undefined when it is off. */
function severityOf(ruleset: InstanceType<typeof Ruleset>, id: string): IRuleResult['severity'] | undefined {
  const rule = ruleset.rules[id];
  return rule?.enabled && typeof rule.severity === 'number' && rule.severity >= 0
    ? (rule.severity as IRuleResult['severity'])
    : undefined;
}

/** A finding of ours about a place in the entry or a file it refers to, as Spectral reports its own. */
function resultAt(
  code: string,
  severity: IRuleResult['severity'],
  problem: { readonly source: string; readonly path: readonly string[]; readonly message: string },
  entry: SpectralDocument,
  files: ReferredFiles,
): IRuleResult {
  const { source, path, message } = problem;
  return { code, message, path: [...path], severity, source, range: rangeIn(source, path, entry, files) };
}

/** `open-api-component-names` for the components the description's `$ref`s take from other files. */
function componentNameResults(
  resolution: Resolution,
  ruleset: InstanceType<typeof Ruleset>,
  entry: SpectralDocument,
  files: ReferredFiles,
  swagger: boolean,
): IRuleResult[] {
  const severity = severityOf(ruleset, NAMES_RULE);
  if (severity === undefined) return [];
  const seen = new Set<string>();
  const results: IRuleResult[] = [];
  for (const reference of resolution.followed) {
    const key = `${reference.file}#${reference.pointer}`;
    if (reference.file === entry.source || seen.has(key)) continue;
    seen.add(key);
    const path = pointerTokens(reference.pointer);
    const section = componentSectionOf(path, swagger);
    const message = section ? componentNameProblem(section, path.at(-1) as string) : undefined;
    if (message)
      results.push(resultAt(NAMES_RULE, severity, { source: reference.file, path, message }, entry, files));
  }
  return results;
}

/** `oas3-schema` for what the description's `$ref`s reach in other files (see fragmentStructure.ts). */
async function structureResults(
  resolution: Resolution,
  ruleset: InstanceType<typeof Ruleset>,
  entry: SpectralDocument,
  openapi: string,
  files: ReferredFiles,
  fragments: SwaggerFragments | undefined,
): Promise<IRuleResult[]> {
  const severity = severityOf(ruleset, STRUCTURE_RULE);
  if (severity === undefined || !entry.source) return [];
  // A Swagger 2.0 description's files are judged as converted, and only what was converted (the
  // findings are mapped back to the Swagger lines with the rest).
  const problems = await fragmentStructureProblems(
    resolution,
    entry.source,
    openapi,
    entry.formats,
    fragments ? (file, pointer) => fragments.convertedAt(file, pointer) : undefined,
  );
  return problems.map((problem) => resultAt(STRUCTURE_RULE, severity, problem, entry, files));
}

/**
 * The files a description refers to, each read once more as Spectral reads it (only when a finding is in
 * one), for the ranges of places in them: the same lines Spectral gives its own findings there.
 */
class ReferredFiles {
  readonly #documents = new Map<string, SpectralDocument | undefined>();

  constructor(private readonly resolution: Resolution) {}

  documentOf(file: string): SpectralDocument | undefined {
    if (!this.#documents.has(file)) {
      const text = this.resolution.texts.get(file);
      let document: SpectralDocument | undefined;
      try {
        document = text === undefined ? undefined : parse(text, file);
      } catch {
        document = undefined;
      }
      this.#documents.set(file, document);
    }
    return this.#documents.get(file);
  }
}

/** The range of a path in the entry (Spectral's document) or in a file it refers to. */
function rangeIn(
  source: string,
  path: readonly string[],
  entry: SpectralDocument,
  files: ReferredFiles,
): IRuleResult['range'] {
  const fallback = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const document = source === entry.source ? entry : files.documentOf(source);
  return document?.getRangeForJsonPath?.([...path], true) ?? fallback;
}

/** The note on every converted Swagger 2.0 description, at its `swagger` line. */
function swaggerResults(
  swagger: ConvertedSwagger,
  written: SpectralDocument,
  ruleset: InstanceType<typeof Ruleset>,
): IRuleResult[] {
  const rule = ruleset.rules[SWAGGER_CONVERTED];
  if (rule && !rule.enabled) return [];
  const severity = rule?.severity;
  const range = written.getRangeForJsonPath?.(['swagger'], true);
  return [
    {
      code: SWAGGER_CONVERTED,
      message: `This is a Swagger ${swagger.swagger} (OpenAPI 2.0) description: it was converted to OpenAPI 3.1 to be linted, and its findings point at the lines of this file. Move the description to OpenAPI 3.1, the version of the Council API Baseline.`,
      path: ['swagger'],
      severity: typeof severity === 'number' ? severity : 1,
      source: written.source ?? undefined,
      range: range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    } as IRuleResult,
  ];
}

/**
 * Findings in the converted document, moved to where they came from in the Swagger file; findings in a
 * converted target of a file it refers to, to where they came from in that file.
 */
function mapToSwagger(
  results: readonly IRuleResult[],
  swagger: ConvertedSwagger,
  written: SpectralDocument,
  fragments: SwaggerFragments | undefined,
  files: ReferredFiles,
): IRuleResult[] {
  return results.map((result) => {
    if (result.code === SWAGGER_CONVERTED) return result;
    const file = result.source ?? written.source;
    if (file !== written.source) {
      const document = file ? files.documentOf(file) : undefined;
      const original =
        file && document
          ? fragments?.originalPathIn(
              file,
              result.path.map(String),
              (path) => nearestExisting(document.data, path).length === path.length,
            )
          : undefined;
      if (!original || !document) return result;
      // The nearest place that was written: a converted place may have no line of its own.
      const path = nearestExisting(document.data, original).map(String);
      return { ...result, path, range: document.getRangeForJsonPath?.(path, true) ?? result.range };
    }
    const path = swagger.originalPathOf(result.path);
    const range = written.getRangeForJsonPath?.(path, true) ?? result.range;
    return { ...result, path, range };
  });
}

function nonStringReferenceError(
  error: NonStringReference,
  written: SpectralDocument,
  source: string,
): DocumentError {
  const at = [...error.path];
  const inEntry = error.source === source;
  const range = inEntry ? written.getRangeForJsonPath?.(at, true) : undefined;
  const line = range ? range.start.line + 1 : undefined;
  const column = range ? range.start.character + 1 : undefined;
  const value = inEntry && isObject(written.data) ? resolvePointer(written.data, pointerOf(at)) : undefined;
  return new DocumentError(
    'DOCUMENT_NOT_OPENAPI',
    `${error.source}${line ? `:${line}:${column}` : ''}: "$ref" at ${jsonPathOf(at, inEntry ? written.data : undefined)} is ${JSON.stringify(value ?? null)}, not a string, so no reference in the description can be followed. Make it a string (or rename the key if it is a property called "$ref") and lint again.`,
    error.source,
    ...(line && column ? [{ line, column }] : []),
  );
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
  readonly source: string | null;
  readonly data: unknown;
  readonly diagnostics: readonly IRuleResult[];
  formats?: InstanceType<typeof Document>['formats'];
  getRangeForJsonPath?: InstanceType<typeof Document>['getRangeForJsonPath'];
};

function parse(text: string, source: string): SpectralDocument {
  const body = text.replace(/^\uFEFF/, '');
  const json = /^\s*[{[]/.test(body);
  const document: SpectralDocument = json
    ? new Document(body, FastJsonParser, source)
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
