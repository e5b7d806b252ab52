import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { JsonObject } from '@council-conform/openapi';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { writeOutputFile } from '../output-file.ts';
import { fromUserCwd } from '../user-cwd.ts';

/** Where the description to bundle comes from: a reference spec of this package, or the supplier's own. */
export type BundleSource =
  | { readonly kind: 'reference'; readonly id: string; readonly entry: string }
  | { readonly kind: 'description'; readonly entry: string };

/**
 * A file the user names wins over a reference spec of the same name, so a supplier's own file called
 * `street-reports` is never silently replaced by ours; a name that is neither is refused with the specs it
 * could have meant.
 */
export async function bundleSourceOf(argument: string): Promise<BundleSource> {
  if (/^https?:\/\//i.test(argument)) return { kind: 'description', entry: argument };
  const path = fromUserCwd(argument);
  const found = statSync(path, { throwIfNoEntry: false });
  if (found?.isFile()) return { kind: 'description', entry: path };
  const { listSpecIds, specDir } = await import('@council-conform/specs');
  const known = listSpecIds();
  if (known.includes(argument))
    return { kind: 'reference', id: argument, entry: join(specDir(argument), 'openapi.yaml') };
  throw new UsageError(
    'BUNDLE_SOURCE_UNKNOWN',
    `${path} ${found ? 'is a folder' : 'does not exist'}, and "${argument}" is not a reference spec; give the entry file of your description (e.g. openapi.yaml) or one of ${known.join(', ')}`,
  );
}

/** JSON unless the output is named .yaml or .yml: a served `/openapi.json` is what pre-flight looks for first. */
async function serialise(document: JsonObject, out: string | undefined): Promise<string> {
  const extension = out === undefined ? '' : extname(out).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') {
    const { stringify } = await import('yaml');
    return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * One self-contained document from a multi-file description: every file $ref followed, every component
 * hoisted under its own name, every $ref left local, so it can be served as it is at `/openapi.json`.
 */
export async function bundleDescription(source: BundleSource): Promise<JsonObject> {
  const { assertLocalRefsResolve, bundleDocument, DocumentError } = await import('@council-conform/openapi');
  try {
    const { document } = await bundleDocument(source.entry);
    assertLocalRefsResolve(document, source.entry);
    return document;
  } catch (error) {
    if (error instanceof DocumentError) throw new UsageError(error.code, error.message);
    throw error;
  }
}

export function registerBundle(program: Command, io: CliIo): void {
  program
    .command('bundle')
    .description(
      'bundle an OpenAPI description spread over several files (or a reference spec) into the one file to serve at /openapi.json',
    )
    .argument(
      '<description-or-spec-id>',
      'the entry file of your description (path or http(s) URL), or a reference spec id such as street-reports',
    )
    .option('--out <file>', 'write it here (JSON, or YAML for a .yaml/.yml name) instead of to stdout')
    .action(async (argument: string, flags: { out?: string }) => {
      const source = await bundleSourceOf(argument);
      const document = await bundleDescription(source);
      const out = flags.out === undefined ? undefined : fromUserCwd(flags.out);
      const text = await serialise(document, out);
      if (out === undefined) {
        io.out(text);
        return;
      }
      await mkdir(dirname(out), { recursive: true });
      await writeOutputFile(out, text);
      const what = source.kind === 'reference' ? `the ${source.id} reference spec` : source.entry;
      io.out(`Wrote ${out}: ${what} in one file`);
    });
}
