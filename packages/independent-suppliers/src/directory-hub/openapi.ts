import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Node = unknown;
type Obj = Record<string, Node>;
const isObj = (n: Node): n is Obj => n !== null && typeof n === 'object' && !Array.isArray(n);

/**
 * DirectoryHub's description: the service-directory reference with only the baseline components it
 * actually reaches copied in (followed reference by reference), path items inlined, and the parts that
 * differ said plainly: both token endpoint client authentications, ORUK pages linked absolutely, the export
 * job that takes a few polls, and no import.
 */
export function directoryHubOpenApi(specsDir: string, origin: string): Obj {
  const spec = parse(readFileSync(join(specsDir, 'service-directory', 'openapi.yaml'), 'utf8')) as Obj;
  const baseline = parse(readFileSync(join(specsDir, 'baseline', 'openapi.yaml'), 'utf8')) as Obj;
  const baseComponents = baseline.components as Record<string, Obj>;
  const doc = structuredClone(spec);
  const paths = doc.paths as Record<string, Obj>;
  delete paths['/imports'];
  delete paths['/imports/{importId}'];
  const wanted: [string, string][] = [];

  const visit = (node: Node, inBaseline: boolean): Node => {
    if (Array.isArray(node)) return node.map((n) => visit(n, inBaseline));
    if (!isObj(node)) return node;
    const out: Obj = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const external = value.startsWith('../baseline/openapi.yaml#/');
        const pointer = external ? value.slice('../baseline/openapi.yaml#'.length) : value.slice(1);
        const [, , kind, name] = pointer.split('/') as [string, string, string, string];
        if (external || inBaseline) {
          if (kind === 'pathItems') return visit(structuredClone(baseComponents.pathItems?.[name]), true);
          wanted.push([kind, name]);
        }
        out.$ref = `#${pointer}`;
      } else out[key] = visit(value, inBaseline);
    }
    return out;
  };
  doc.paths = visit(doc.paths, false);
  doc.components = visit(doc.components, false);
  const components = doc.components as Record<string, Obj>;
  // Copy each baseline component reached, and whatever it reaches in turn; the spec's own names win.
  while (wanted.length > 0) {
    const [kind, name] = wanted.pop() as [string, string];
    components[kind] ??= {};
    const bucket = components[kind] as Obj;
    if (name in bucket) continue;
    bucket[name] = null;
    bucket[name] = visit(structuredClone(baseComponents[kind]?.[name]), true);
  }
  const finalPaths = doc.paths as Record<string, Obj>;
  doc.info = {
    title: 'DirectoryHub: Open Referral UK directory',
    version: '2.8.1',
    summary: 'Family hub and community service directory, published as Open Referral UK (HSDS 3.0).',
    description:
      'DirectoryHub publishes a council’s directory of family hubs, local offer and community services as Open Referral UK on the Council API Baseline 1.1.0. Lists are ORUK pages (`page`, `per_page`) whose next, previous, first and last pages are also linked with absolute URLs in `Link`. Exports are queued: poll the job as `Retry-After` says until it is complete.',
    contact: {
      name: 'DirectoryHub support',
      url: 'https://directoryhub.org.uk/support',
      email: 'support@directoryhub.org.uk',
    },
    license: {
      name: 'Open Government Licence v3.0',
      url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
    },
    'x-changelog': 'https://directoryhub.org.uk/api/changelog',
  };
  doc.servers = [{ url: origin }];
  const token = (finalPaths['/oauth/token'] as Obj).post as Obj;
  token.description =
    'Both client authentications are accepted: `client_secret_basic` (HTTP Basic, RFC 6749 section 2.3.1) and `client_secret_post` (`client_id` and `client_secret` in the form body).';
  const job = (finalPaths['/exports/{exportId}'] as Obj).get as Obj;
  job.description =
    'An export is queued, then runs one dataset per poll or so; until it is complete the answer carries `Retry-After` (seconds).';
  return doc;
}
