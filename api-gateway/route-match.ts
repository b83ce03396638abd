/**
 * Which route of an HTTP API a request takes, as API Gateway chooses: the most specific route that matches
 * (a literal segment over a {parameter}, a {parameter} over a greedy {proxy+}, a method over ANY), else `$default`,
 * else none (API Gateway answers 404 Not Found). Pure: the local run uses it to pick the function a request goes to.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */

export interface RouteMatch<T> {
  readonly routeKey: string;
  readonly target: T;
  /** Values of the route's {parameters}, as the event's pathParameters. */
  readonly pathParameters?: Readonly<Record<string, string>>;
}

interface Parsed {
  readonly method: string;
  readonly segments: readonly string[];
}

function parseKey(routeKey: string): Parsed | undefined {
  if (routeKey === '$default') return undefined;
  const [method, path] = routeKey.split(' ');
  return { method: method, segments: path.split('/').slice(1) };
}

/** How specific each segment is: 2 a literal, 1 a {parameter}, 0 a greedy {proxy+}; then 1 for a method, 0 for ANY. */
function specificity(parsed: Parsed): number[] {
  return [...parsed.segments.map((segment) => (segment.endsWith('+}') ? 0 : segment.startsWith('{') ? 1 : 2)), parsed.method === 'ANY' ? 0 : 1];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? -1) - (b[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function matches(parsed: Parsed, method: string, segments: readonly string[]): Record<string, string> | undefined {
  if (parsed.method !== 'ANY' && parsed.method !== method) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < parsed.segments.length; i++) {
    const pattern = parsed.segments[i];
    if (pattern.endsWith('+}')) {
      const rest = segments.slice(i).join('/');
      if (!rest) return undefined;
      parameters[pattern.slice(1, -2)] = rest;
      return parameters;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (pattern.startsWith('{')) {
      if (segment === '') return undefined;
      parameters[pattern.slice(1, -1)] = segment;
    } else if (pattern !== segment) return undefined;
  }
  return segments.length === parsed.segments.length ? parameters : undefined;
}

/** The route a request of `method` for `path` (decoded, no query) takes among `routes`; undefined when none does. */
export function matchRoute<T>(routes: readonly { readonly routeKey: string; readonly target: T }[], method: string, path: string): RouteMatch<T> | undefined {
  const segments = path.split('/').slice(1);
  let best: { route: (typeof routes)[number]; rank: number[]; parameters: Record<string, string> } | undefined;
  for (const route of routes) {
    const parsed = parseKey(route.routeKey);
    if (!parsed) continue;
    const parameters = matches(parsed, method.toUpperCase(), segments);
    if (!parameters) continue;
    const rank = specificity(parsed);
    if (!best || compare(rank, best.rank) > 0) best = { route, rank, parameters };
  }
  if (best) {
    return {
      routeKey: best.route.routeKey,
      target: best.route.target,
      ...(Object.keys(best.parameters).length ? { pathParameters: best.parameters } : {}),
    };
  }
  const fallback = routes.find((route) => route.routeKey === '$default');
  return fallback ? { routeKey: '$default', target: fallback.target } : undefined;
}
