import { docOf, hasScheme, isObject, type JsonPath, operationsOf } from '../model.ts';
import type { IFunctionResult } from '../spectral.ts';
import { createRulesetFunction } from '../spectral.ts';

/** Every server URL, with each `{variable}` taken at its default and at every value it may take. */
function expansions(server: Record<string, unknown>): string[] {
  const url = typeof server.url === 'string' ? server.url : '';
  const variables = isObject(server.variables) ? server.variables : {};
  let urls = [url];
  for (const [name, variable] of Object.entries(variables)) {
    if (!isObject(variable)) continue;
    const values = new Set<string>();
    if (typeof variable.default === 'string') values.add(variable.default);
    if (Array.isArray(variable.enum)) for (const v of variable.enum) if (typeof v === 'string') values.add(v);
    if (values.size === 0) continue;
    urls = urls.flatMap((u) => [...values].map((value) => u.split(`{${name}}`).join(value)));
  }
  return urls;
}

/** An API is only reachable over TLS: every absolute server URL is https. */
export const httpsServers = createRulesetFunction<unknown, null>(
  { input: { type: 'object' }, options: null },
  function httpsServers(document, _options, context) {
    if (!isObject(document)) return [];
    const results: IFunctionResult[] = [];
    const check = (servers: unknown, at: JsonPath) => {
      if (!Array.isArray(servers)) return;
      servers.forEach((server, index) => {
        if (!isObject(server)) return;
        const insecure = expansions(server).find((url) => hasScheme(url) && !/^https:\/\//i.test(url));
        if (insecure === undefined) return;
        results.push({
          message: `Server ${insecure} is not https: the API must only be reachable over TLS (plain HTTP refused or redirected).`,
          path: [...at, index, 'url'],
        });
      });
    };
    check(document.servers, ['servers']);
    const pathItemsSeen = new Set<unknown>();
    for (const op of operationsOf(docOf(document, context))) {
      if (!pathItemsSeen.has(op.pathItem)) {
        pathItemsSeen.add(op.pathItem);
        check(op.pathItem.servers, [...op.at.slice(0, -1), 'servers']);
      }
      check(op.operation.servers, [...op.at, 'servers']);
    }
    return results;
  },
);
