/**
 * The HTTP API's route keys: the seed's routes, each with and without a trailing
 * slash, and `$default` so the function itself answers unknown routes (404) and
 * wrong methods (405) in JSON. The stack creates these routes; the local run
 * matches requests against them to fill the event's routeKey.
 */
export const API_ROUTES = ['GET /', 'GET /api/messages', 'GET /api/messages/', 'POST /api/messages', 'POST /api/messages/', '$default'] as const;

/** The route key API Gateway would report for a request. */
export function routeKeyFor(method: string, path: string): string {
  const key = `${method.toUpperCase()} ${path}`;
  return (API_ROUTES as readonly string[]).includes(key) ? key : '$default';
}
