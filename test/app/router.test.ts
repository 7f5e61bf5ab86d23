/**
 * The router contract, written as one suite over a router factory so that
 * any other router implementation can be held to it with one more line at
 * the bottom of this file.
 *
 * Behaviour of the current tree router worth knowing (asserted below, so a
 * change is a decision, not an accident):
 * - Leading and trailing slashes are ignored, in patterns and in paths:
 *   `/users/`, `/users` and `//users` are the same route; registering two of
 *   them is a duplicate. Empty inner segments are kept: `/a//b` is not `/a/b`.
 * - A trailing `*` also matches when nothing follows it: `/files/*` matches
 *   `/files` with `*` = "". `/*` matches `/`.
 * - Matching is case-sensitive and on raw (still percent-encoded) segments.
 * - Priority is decided segment by segment: at each level static beats
 *   `:param` beats `*`, with backtracking when the preferred branch leads
 *   nowhere for this method.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ANY_METHOD, Router } from '../../src/app/router.ts';
import { SignwireError } from '../../src/index.ts';

/** What the suite needs from a router. */
interface RouterUnderTest<T> {
  add(method: string, pattern: string, value: T): void;
  match(method: string, path: string): { readonly value: T; readonly params: Record<string, string> } | undefined;
  allowedMethods(path: string): string[];
}

type RouterFactory = () => RouterUnderTest<string>;

function routerWith(create: RouterFactory, routes: ReadonlyArray<readonly [method: string, pattern: string]>): RouterUnderTest<string> {
  const router = create();
  for (const [method, pattern] of routes) router.add(method, pattern, `${method} ${pattern}`);
  return router;
}

function assertInvalidOption(fn: () => void): void {
  assert.throws(fn, (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION');
}

/** The router contract. `any` is the method key that matches every method. */
function runRouterSuite(name: string, create: RouterFactory, any: string): void {
  describe(`${name}: matching`, () => {
    test('a static path matches with no params', () => {
      const router = routerWith(create, [['GET', '/users'], ['GET', '/']]);
      assert.deepEqual(router.match('GET', '/users'), { value: 'GET /users', params: {} });
      assert.deepEqual(router.match('GET', '/'), { value: 'GET /', params: {} });
    });

    test('a :param captures one raw, still percent-encoded segment', () => {
      const router = routerWith(create, [['GET', '/users/:id']]);
      assert.deepEqual(router.match('GET', '/users/a%20b')?.params, { id: 'a%20b' });
      assert.equal(router.match('GET', '/users/7/more'), undefined);
    });

    test('several params are captured by name', () => {
      const router = routerWith(create, [['GET', '/orgs/:org/repos/:repo']]);
      assert.deepEqual(router.match('GET', '/orgs/acme/repos/api')?.params, { org: 'acme', repo: 'api' });
    });

    test('a :param never matches an empty segment', () => {
      const router = routerWith(create, [['GET', '/users/:id/posts']]);
      assert.equal(router.match('GET', '/users//posts'), undefined);
    });

    test('an unknown path or an unregistered method matches nothing', () => {
      const router = routerWith(create, [['GET', '/users']]);
      assert.equal(router.match('GET', '/nope'), undefined);
      assert.equal(router.match('POST', '/users'), undefined);
    });

    test('matching is case-sensitive', () => {
      const router = routerWith(create, [['GET', '/users']]);
      assert.equal(router.match('GET', '/Users'), undefined);
    });

    test('the any-method key matches every method, and a specific method beats it at the same path', () => {
      const router = routerWith(create, [[any, '/x'], ['GET', '/x']]);
      assert.equal(router.match('GET', '/x')?.value, 'GET /x');
      assert.equal(router.match('DELETE', '/x')?.value, `${any} /x`);
    });

    test('each match returns its own params object', () => {
      const router = routerWith(create, [['GET', '/users/:id']]);
      const first = router.match('GET', '/users/1')!;
      first.params['id'] = 'changed';
      assert.deepEqual(router.match('GET', '/users/2')?.params, { id: '2' });
    });
  });

  describe(`${name}: priority and backtracking`, () => {
    const orders = {
      'static first': [['GET', '/users/new'], ['GET', '/users/:id'], ['GET', '/users/*']],
      'wildcard first': [['GET', '/users/*'], ['GET', '/users/:id'], ['GET', '/users/new']],
    } as const;
    for (const [order, routes] of Object.entries(orders)) {
      test(`static beats param beats wildcard when registered ${order}`, () => {
        const router = routerWith(create, routes);
        assert.equal(router.match('GET', '/users/new')?.value, 'GET /users/new');
        assert.deepEqual(router.match('GET', '/users/7'), { value: 'GET /users/:id', params: { id: '7' } });
        assert.deepEqual(router.match('GET', '/users/7/avatar'), { value: 'GET /users/*', params: { '*': '7/avatar' } });
      });
    }

    test('a dead-end static branch backtracks to the param branch', () => {
      const router = routerWith(create, [['GET', '/a/b/c'], ['GET', '/:x/b/d']]);
      assert.deepEqual(router.match('GET', '/a/b/d'), { value: 'GET /:x/b/d', params: { x: 'a' } });
      assert.equal(router.match('GET', '/a/b/c')?.value, 'GET /a/b/c');
    });

    test('a dead-end param branch backtracks to the wildcard, dropping the params it captured', () => {
      const router = routerWith(create, [['GET', '/files/:id/raw'], ['GET', '/files/*']]);
      assert.deepEqual(router.match('GET', '/files/7/other'), { value: 'GET /files/*', params: { '*': '7/other' } });
    });

    test('a static path registered for another method backtracks to a param route for this method', () => {
      const router = routerWith(create, [['GET', '/users/new'], ['DELETE', '/users/:id']]);
      assert.deepEqual(router.match('DELETE', '/users/new'), { value: 'DELETE /users/:id', params: { id: 'new' } });
    });

    test('a deeper wildcard is preferred over a shallower one', () => {
      const router = routerWith(create, [['GET', '/*'], ['GET', '/static/*']]);
      assert.deepEqual(router.match('GET', '/static/css/a.css')?.params, { '*': 'css/a.css' });
      assert.deepEqual(router.match('GET', '/other/x')?.params, { '*': 'other/x' });
    });

    test('params captured before a wildcard are kept', () => {
      const router = routerWith(create, [['GET', '/u/:user/files/*']]);
      assert.deepEqual(router.match('GET', '/u/ann/files/a/b.txt')?.params, { user: 'ann', '*': 'a/b.txt' });
    });
  });

  describe(`${name}: wildcards`, () => {
    test('a trailing * captures the rest of the path, slashes included', () => {
      const router = routerWith(create, [['GET', '/files/*']]);
      assert.deepEqual(router.match('GET', '/files/a/b/c.txt')?.params, { '*': 'a/b/c.txt' });
      assert.deepEqual(router.match('GET', '/files/a//b')?.params, { '*': 'a//b' }, 'inner empty segments are kept');
    });

    test('a trailing * matches its own prefix with an empty capture', () => {
      const router = routerWith(create, [['GET', '/files/*'], ['GET', '/*']]);
      assert.deepEqual(router.match('GET', '/files')?.params, { '*': '' });
      assert.deepEqual(router.match('GET', '/')?.params, { '*': '' });
    });

    test('a * that is not the last segment is refused', () => {
      assertInvalidOption(() => create().add('GET', '/files/*/raw', 'x'));
    });
  });

  describe(`${name}: allowedMethods`, () => {
    test('lists the methods registered at a path, from static, param and wildcard routes', () => {
      const router = routerWith(create, [['GET', '/users/new'], ['DELETE', '/users/:id'], ['POST', '/users/*'], ['PUT', '/other']]);
      assert.deepEqual(new Set(router.allowedMethods('/users/new')), new Set(['GET', 'DELETE', 'POST']));
      assert.deepEqual(new Set(router.allowedMethods('/users/7')), new Set(['DELETE', 'POST']));
      assert.deepEqual(router.allowedMethods('/users/7/x'), ['POST']);
    });

    test('is empty for a path with no route', () => {
      const router = routerWith(create, [['GET', '/users']]);
      assert.deepEqual(router.allowedMethods('/nope'), []);
    });

    test('reports an any-method route as the any-method key', () => {
      const router = routerWith(create, [[any, '/x']]);
      assert.deepEqual(router.allowedMethods('/x'), [any]);
    });

    test('agrees with match for every method it lists', () => {
      const router = routerWith(create, [['GET', '/a/:x'], ['POST', '/a/b'], ['PATCH', '/a/*'], ['PUT', '/:y/b']]);
      for (const path of ['/a/b', '/a/c', '/z/b', '/a/b/c']) {
        for (const method of router.allowedMethods(path)) assert.notEqual(router.match(method, path), undefined, `${method} ${path}`);
        for (const method of ['GET', 'POST', 'PATCH', 'PUT']) {
          if (router.match(method, path) !== undefined) assert.ok(router.allowedMethods(path).includes(method), `${method} ${path}`);
        }
      }
    });
  });

  describe(`${name}: registration errors`, () => {
    test('two different param names at the same place are refused', () => {
      const router = routerWith(create, [['GET', '/users/:id']]);
      assertInvalidOption(() => router.add('POST', '/users/:userId', 'x'));
      assertInvalidOption(() => router.add('GET', '/users/:name/posts', 'x'));
    });

    test('the same param name at the same place is accepted for other methods and deeper routes', () => {
      const router = routerWith(create, [['GET', '/users/:id'], ['DELETE', '/users/:id'], ['GET', '/users/:id/posts'], ['GET', '/teams/:name']]);
      assert.deepEqual(router.match('GET', '/users/1/posts')?.params, { id: '1' });
      assert.deepEqual(router.match('GET', '/teams/core')?.params, { name: 'core' });
    });

    test('the same method and pattern twice is refused', () => {
      for (const pattern of ['/users', '/users/:id', '/files/*', '/']) {
        const router = routerWith(create, [['GET', pattern]]);
        assertInvalidOption(() => router.add('GET', pattern, 'again'));
      }
    });

    test('a pattern that differs only by a trailing slash is a duplicate', () => {
      const router = routerWith(create, [['GET', '/users']]);
      assertInvalidOption(() => router.add('GET', '/users/', 'again'));
    });

    test('a pattern without a leading slash or with an invalid param name ("__proto__" too) is refused', () => {
      assertInvalidOption(() => create().add('GET', 'users', 'x'));
      assertInvalidOption(() => create().add('GET', '/users/:', 'x'));
      assertInvalidOption(() => create().add('GET', '/users/:1st', 'x'));
      assertInvalidOption(() => create().add('GET', '/users/:a-b', 'x'));
      assertInvalidOption(() => create().add('GET', '/users/:__proto__', 'x'));
    });
  });

  describe(`${name}: slashes`, () => {
    test('a trailing slash in the path matches the route without it, and the reverse', () => {
      const router = routerWith(create, [['GET', '/users'], ['GET', '/teams/']]);
      assert.equal(router.match('GET', '/users/')?.value, 'GET /users');
      assert.equal(router.match('GET', '/teams')?.value, 'GET /teams/');
      assert.deepEqual(routerWith(create, [['GET', '/users/:id']]).match('GET', '/users/7/')?.params, { id: '7' });
    });

    test('repeated leading slashes are ignored', () => {
      const router = routerWith(create, [['GET', '/users'], ['GET', '/teams/:id']]);
      assert.equal(router.match('GET', '//users')?.value, 'GET /users');
      assert.deepEqual(router.match('GET', '//teams/7')?.params, { id: '7' });
    });

    test('an empty inner segment is not collapsed', () => {
      const router = routerWith(create, [['GET', '/a/b']]);
      assert.equal(router.match('GET', '/a//b'), undefined);
    });
  });
}

runRouterSuite('Router', () => new Router<string>(), ANY_METHOD);

describe('Router decode', () => {
  test('the params of the match found are decoded, once each; branches left behind are not', () => {
    const seen: string[] = [];
    const router = new Router<string>({ decode: (segment) => (seen.push(segment), decodeURIComponent(segment)) });
    router.add('GET', '/a/:x/end', 'deep');
    router.add('GET', '/a/:x', 'short');
    router.add('GET', '/a/*', 'rest');
    assert.deepEqual(router.match('GET', '/a/b%20c'), { value: 'short', params: { x: 'b c' } });
    assert.deepEqual(seen, ['b%20c']);
    seen.length = 0;
    // :x captures "b%20c", then "/other" is not "/end": the wildcard matches instead, and only it is decoded.
    assert.deepEqual(router.match('GET', '/a/b%20c/other%21'), { value: 'rest', params: { '*': 'b c/other!' } });
    assert.deepEqual(seen, ['b%20c/other%21']);
  });

  test('an error thrown by decode comes out of match', () => {
    const router = new Router<string>({ decode: decodeURIComponent });
    router.add('GET', '/u/:id', 'user');
    assert.throws(() => router.match('GET', '/u/%E0%A4%A'), URIError);
  });
});
