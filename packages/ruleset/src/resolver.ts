/**
 * Spectral's rules read the description with every `$ref` resolved, and Spectral maps each finding back to
 * the line it came from through its resolver's map of references. Its own resolver builds a dependency
 * graph that grows faster than the description (a 20 MB one took minutes); this one resolves in a single
 * pass (`resolveDocument` in @council-conform/openapi) and gives Spectral the same map, so findings inside
 * a referenced component still point at the component's own lines, in whichever file it is.
 */
import {
  assertWithinLimits,
  DocumentError,
  type FollowedReference,
  type ReferenceProblem,
  readDocumentText,
  resolveDocument,
  type ResolveOptions as TargetReading,
} from '@council-conform/openapi';

/** What Spectral's document inventory hands its resolver, and reads back (spectral-core's DocumentInventory). */
interface ResolveOptions {
  readonly baseUri?: string;
  readonly parseResolveResult?: (options: {
    targetAuthority: { href(): string };
    result: unknown;
  }) => Promise<{ result: unknown }>;
}

interface ResolveResult {
  readonly result: unknown;
  readonly graph: {
    getNodeData(source: string): { refMap: Record<string, string> };
    /** Every place a reference led to (Spectral's unused-component rule reads it). */
    overallOrder(): string[];
  };
  readonly errors: readonly never[];
}

/** The first `$ref` whose value is not a string stops the lint before any rule runs: see lint.ts. */
export class NonStringReference extends Error {
  override readonly name = 'NonStringReference';
  constructor(
    readonly source: string,
    readonly path: readonly string[],
  ) {
    super(`${source}: a $ref is not a string`);
  }
}

export interface Resolution {
  readonly problems: readonly ReferenceProblem[];
  /** Each referenced file's text, for the line of a problem in it. */
  readonly texts: ReadonlyMap<string, string>;
  /** Each referenced file as read (the entry is not among them). */
  readonly data: ReadonlyMap<string, unknown>;
  /** Every `$ref` followed, and where it led. */
  readonly followed: readonly FollowedReference[];
}

// Spectral's encodePointerUriFragment (@stoplight/json), character class and all, so that the keys of the
// reference map are the ones Spectral looks up.
const ENCODABLE = /[^a-zA–Z0–9_.!~*'()/\-\u{D800}-\u{DFFF}]/gu;
const uriPointerOf = (path: readonly string[]): string =>
  `#${path.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1').replace(ENCODABLE, encodeURIComponent)}`).join('')}`;

/** Why a referenced file cannot be followed, worded to follow "cannot be followed: ". */
function whyUnreadable(error: unknown, path: string): string {
  if (!(error instanceof DocumentError)) return error instanceof Error ? error.message : String(error);
  const unreadable = `${path}: cannot be read: `;
  return error.message.startsWith(unreadable)
    ? `cannot read ${path}: ${error.message.slice(unreadable.length)}`
    : error.message;
}

/** One per lint: Spectral caches the documents it reads on `uriCache`, so a fresh one is a fresh cache. */
export class LinearResolver {
  readonly uriCache = new Map<string, unknown>();
  #resolution: Resolution = { problems: [], texts: new Map(), data: new Map(), followed: [] };

  /** How targets are read (a Swagger 2.0 description's shared files are converted, and point into it). */
  constructor(private readonly reading: TargetReading = {}) {}

  get resolution(): Resolution {
    return this.#resolution;
  }

  async resolve(data: unknown, options: ResolveOptions): Promise<ResolveResult> {
    const source = options.baseUri ?? '';
    const texts = new Map<string, string>();
    const read = new Map<string, unknown>();
    const load = async (path: string): Promise<unknown> => {
      const { text } = await readDocumentText(path);
      assertWithinLimits(text, path);
      texts.set(path, text);
      if (!options.parseResolveResult) throw new Error(`${path} cannot be parsed here`);
      // Spectral parses it and keeps the document, so findings in it get its lines.
      const parsed = (
        await options.parseResolveResult({ targetAuthority: { href: () => path }, result: text })
      ).result;
      read.set(path, parsed);
      return parsed;
    };
    const resolved = await resolveDocument(
      data,
      source,
      async (path) => {
        try {
          return await load(path);
        } catch (error) {
          throw new Error(whyUnreadable(error, path));
        }
      },
      this.reading,
    );
    if (resolved.nonStringRef)
      throw new NonStringReference(resolved.nonStringRef.source, resolved.nonStringRef.path);
    const refMaps = new Map<string, Record<string, string>>();
    for (const reference of resolved.followed) {
      const refMap = refMaps.get(reference.source) ?? {};
      refMaps.set(reference.source, refMap);
      refMap[uriPointerOf(reference.path)] = reference.ref;
    }
    this.#resolution = { problems: resolved.problems, texts, data: read, followed: resolved.followed };
    return {
      result: resolved.data,
      graph: {
        getNodeData: (file) => ({ refMap: refMaps.get(file) ?? {} }),
        overallOrder: () => [...resolved.targets],
      },
      errors: [],
    };
  }
}
