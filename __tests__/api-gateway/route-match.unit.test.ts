import { matchRoute } from '../../api-gateway/route-match';

const table = (...keys: string[]) => keys.map((routeKey) => ({ routeKey, target: routeKey }));

describe('which route a request takes, as API Gateway chooses', () => {
  it('prefers a literal segment over a parameter, a parameter over a greedy path, a method over ANY', () => {
    const routes = table('GET /api/{item}', 'GET /api/stats', 'ANY /api/stats', 'GET /{proxy+}', 'ANY /api/{proxy+}', '$default');
    expect(matchRoute(routes, 'GET', '/api/stats')).toEqual({ routeKey: 'GET /api/stats', target: 'GET /api/stats' });
    expect(matchRoute(routes, 'POST', '/api/stats')).toEqual({ routeKey: 'ANY /api/stats', target: 'ANY /api/stats' });
    expect(matchRoute(routes, 'get', '/api/ann')).toEqual({ routeKey: 'GET /api/{item}', target: 'GET /api/{item}', pathParameters: { item: 'ann' } });
    expect(matchRoute(routes, 'GET', '/api/a/b')).toEqual({ routeKey: 'ANY /api/{proxy+}', target: 'ANY /api/{proxy+}', pathParameters: { proxy: 'a/b' } });
    expect(matchRoute(routes, 'GET', '/other/x')).toEqual({ routeKey: 'GET /{proxy+}', target: 'GET /{proxy+}', pathParameters: { proxy: 'other/x' } });
    expect(matchRoute(routes, 'DELETE', '/other')).toEqual({ routeKey: '$default', target: '$default' });
    // Whatever order the routes are listed in: a method over ANY, a parameter over a greedy path of the same method.
    expect(matchRoute(table('ANY /api/stats', 'GET /api/stats'), 'GET', '/api/stats')?.routeKey).toBe('GET /api/stats');
    expect(matchRoute(table('GET /api/{proxy+}', 'GET /api/{item}'), 'GET', '/api/ann')?.routeKey).toBe('GET /api/{item}');
    expect(matchRoute(table('GET /{proxy+}', 'GET /api/{proxy+}'), 'GET', '/api/a')?.routeKey).toBe('GET /api/{proxy+}');
  });

  it('tells a trailing slash apart, needs every segment, and answers nothing without $default', () => {
    const routes = table('GET /api/messages', 'GET /api/messages/{id}');
    expect(matchRoute(routes, 'GET', '/api/messages')?.routeKey).toBe('GET /api/messages');
    // "/api/messages/" has an empty last segment: no parameter takes it.
    expect(matchRoute(routes, 'GET', '/api/messages/')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/api/messages/7/x')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/api/messages')).toBeUndefined();
    expect(matchRoute(table('GET /'), 'GET', '/')?.routeKey).toBe('GET /');
    expect(matchRoute(table('GET /{proxy+}'), 'GET', '/')).toBeUndefined();
  });
});
