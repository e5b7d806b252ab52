import {
  type HttpMethod,
  type JsonObject,
  listOperations,
  type OperationEntry,
} from '@council-conform/openapi';

export interface Route {
  readonly entry: OperationEntry;
  readonly method: HttpMethod;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function compile(path: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param) {
        paramNames.push(param[1] as string);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), paramNames };
}

/**
 * Routes for every operation of a document. Literal paths win over templated ones, so `/services.json`
 * is never taken for `/services/{id}` and `/exports` never for a template.
 */
export function buildRoutes(document: JsonObject): Route[] {
  return listOperations(document)
    .map((entry) => ({ entry, method: entry.method, ...compile(entry.path) }))
    .sort((a, b) => a.paramNames.length - b.paramNames.length || b.entry.path.length - a.entry.path.length);
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { match?: RouteMatch; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const found = route.pattern.exec(pathname);
    if (!found) continue;
    if (route.method !== method.toLowerCase()) {
      allowed.push(route.method.toUpperCase());
      continue;
    }
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1] as string);
    });
    return { match: { route, params }, allowed };
  }
  return { allowed };
}
