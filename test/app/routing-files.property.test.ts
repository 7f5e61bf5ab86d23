/**
 * Property tests of routing and static files through `app.request`: hostile
 * request paths (percent escapes valid and broken, encoded "/", "..",
 * "%2e%2e", backslashes, NUL, overlong UTF-8) against params, wildcards,
 * mounted sub-apps and prefixed middleware never answer 500, decode params
 * as `decodeURIComponent` does or answer 400 `ERR_BAD_PATH`; prefixed
 * middleware runs for every spelling of its prefix, so no encoded spelling
 * slips past a guard to a file `serveStatic` decodes its way to; and
 * `serveStatic` and `c.file({ root })` never serve a byte from outside
 * their root.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { serveStatic, type Context, type InProcessResponse } from '../../src/index.ts';
import { codeOf, quietApp } from '../helpers/app.ts';

/** Path pieces that matter to decoding and traversal, and names the routes know. */
const PIECES = [
  'users', 'me', 'files', 'a', 'b', 'v1', 'items', 'api', 'x', '',
  '%', '%2', '%ZZ', '%2F', '%2f', '%25', '%252e', '%20', '%2e%2e', '%2E%2e', '.%2e', '..', '.', '\\', '%5c', '%5C',
  '%00', '%C0%AE', '%c0%2e', '%E0%A4%A', '%F0%9F%98%80', '%ED%A0%80', '%FF', '%e9', ';', ',', '"', '=', '~', ':', '@', '+', "'",
] as const;

const rawPath = fc
  .tuple(fc.array(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }), { maxLength: 5 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.map((s) => s.join('')).join('/')}${trailing ? '/' : ''}`);

/** What `decodeURIComponent` gives, or undefined when it throws. */
function decoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

interface Expected {
  readonly route: string;
  readonly params: Record<string, string>;
}

/** The routes of `routingApp` as a model: static beats param beats wildcard; raw params, undefined for 404. */
function expectedRoute(target: string): Expected | undefined {
  const trimmed = target.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
  const s = trimmed === '' ? [] : trimmed.split('/');
  if (s[0] === 'users' && s.length === 2) return s[1] === 'me' ? { route: 'me', params: {} } : { route: 'user', params: { id: s[1]! } };
  if (s[0] === 'a' && s.length === 4 && s[2] === 'b') return { route: 'ab', params: { x: s[1]!, y: s[3]! } };
  if (s[0] === 'v1' && s[1] === 'items' && s.length === 3) return { route: 'item', params: { id: s[2]! } };
  if (s[0] === 'v1') return { route: 'v1-rest', params: { '*': s.slice(1).join('/') } };
  if (s[0] === 'files') return { route: 'files', params: { '*': s.slice(1).join('/') } };
  return undefined;
}

function routingApp() {
  const app = quietApp();
  const answer = (route: string) => (c: Context) => c.json({ route, params: c.req.params() });
  app.use('/api', (c, next) => {
    c.header('X-Api', '1');
    return next();
  });
  app.get('/users/:id', answer('user'));
  app.get('/users/me', answer('me'));
  app.get('/files/*', answer('files'));
  app.get('/a/:x/b/:y', answer('ab'));
  const sub = quietApp();
  sub.use((c, next) => {
    c.header('X-Mount', c.mountPath);
    return next();
  });
  sub.get('/items/:id', answer('item'));
  sub.get('/*', answer('v1-rest'));
  app.route('/v1', sub);
  return app;
}

describe('routing hostile paths', () => {
  const app = routingApp();

  test('a path with any escapes is routed as the model says, its params decoded like decodeURIComponent, or 400 ERR_BAD_PATH; never 500', async () => {
    await fc.assert(
      fc.asyncProperty(rawPath, async (target) => {
        const res = await app.request(target);
        const expected = expectedRoute(target);
        if (expected === undefined) {
          assert.equal(res.status, 404, target);
          assert.equal(codeOf(res), 'ERR_NOT_FOUND');
          return;
        }
        const params = Object.entries(expected.params).map(([name, raw]) => [name, decoded(raw)] as const);
        if (params.some(([, value]) => value === undefined)) {
          assert.equal(res.status, 400, target);
          assert.equal(codeOf(res), 'ERR_BAD_PATH');
          return;
        }
        assert.equal(res.status, 200, target);
        const body = await res.json<{ route: string; params: Record<string, string> }>();
        assert.equal(body.route, expected.route, target);
        assert.deepEqual(body.params, Object.fromEntries(params), target);
        assert.equal(res.headers.get('x-mount'), expected.route.startsWith('item') || expected.route === 'v1-rest' ? '/v1' : null, target);
      }),
      { numRuns: 1500 },
    );
  });

  test('prefixed middleware runs for every spelling of its prefix ("//", "%61", "%2F", "." segments) and for no other path', async () => {
    const spellings = ['/api', '//api', '/api/', '/apix', '/%61pi', '/%61%50i', '/API', '/x/api', '/api//', '/./api', '/%2e/api', '/%2E%2Fapi', '/ap%69%2F', '/%2561pi', '/.api', '/..'];
    const prefixed = fc.tuple(fc.constantFrom(...spellings), rawPath);
    await fc.assert(
      fc.asyncProperty(prefixed, async ([head, tail]) => {
        const target = head + tail;
        const res = await app.request(target);
        assert.notEqual(res.status, 500, target);
        const unreserved = target.replace(/%(2[def]|3\d|[46][1-9a-f]|[57][\da]|5f|7e)/gi, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
        const segments = unreserved.split('/').filter((segment) => segment !== '' && segment !== '.');
        assert.equal(res.headers.get('x-api'), segments[0] === 'api' ? '1' : null, target);
      }),
      { numRuns: 800 },
    );
  });

  test('HEAD, POST and OPTIONS on hostile paths answer 200, 405 with Allow, 204 or 404 / 400, never 500', async () => {
    const methods = fc.constantFrom('HEAD', 'POST', 'OPTIONS', 'DELETE');
    await fc.assert(
      fc.asyncProperty(methods, rawPath, async (method, target) => {
        const res = await app.request(target, { method });
        const expected = expectedRoute(target);
        if (expected === undefined) return assert.equal(res.status, 404, target);
        const bad = Object.values(expected.params).some((raw) => decoded(raw) === undefined);
        if (method === 'HEAD') return assert.equal(res.status, bad ? 400 : 200, target);
        assert.equal(res.status, method === 'OPTIONS' ? 204 : 405, target);
        assert.equal(res.headers.get('allow'), 'GET, HEAD, OPTIONS', target);
      }),
      { numRuns: 500 },
    );
  });
});

const SECRET = 'OUTSIDE-THE-ROOT-7f3a9c';
const dir = mkdtempSync(path.join(os.tmpdir(), 'signwire-static-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = path.join(dir, 'public');
const inside: Record<string, string> = {
  'hello.txt': 'hello inside',
  'sub/inner.txt': 'inner inside',
  'sub/index.html': '<p>sub</p>',
  'index.html': '<p>home</p>',
  '..dots.txt': 'two dots, inside',
  '...': 'three dots, inside',
  'a..b': 'dots in the middle, inside',
  '.hidden': 'a dotfile, inside',
  '%2e%2e': 'a name with escapes, inside',
  'public': 'a file named like the root, inside',
};
mkdirSync(path.join(root, 'sub'), { recursive: true });
for (const [name, content] of Object.entries(inside)) writeFileSync(path.join(root, name), content);
writeFileSync(path.join(dir, 'secret.txt'), SECRET);
writeFileSync(path.join(dir, 'public-secret.txt'), SECRET);

const TRAVERSAL = [
  '..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '.', '%2e', '%2f', '%2F', '%5c', '\\', '%00', '%C0%AE', '%c0%af', '%e0%80%ae',
  'secret.txt', 'public-secret.txt', 'public', 'sub', 'hello.txt', 'inner.txt', 'index.html', '..dots.txt', '...', 'a..b', '.hidden',
  '%2e%2e%2fsecret.txt', '..%2fsecret.txt', '..%5csecret.txt', '%2e%2e%5c', '%', '%zz', '', '~', '%252e%252e',
] as const;

const staticPath = fc
  .tuple(fc.array(fc.array(fc.constantFrom(...TRAVERSAL), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.map((s) => s.join('')).join('/')}${trailing ? '/' : ''}`);

function staticApp() {
  const app = quietApp();
  app.use('/s', serveStatic(root));
  app.use('/d', serveStatic(root, { dotfiles: 'allow' }));
  app.get('/f/*', (c) => c.file(c.req.param('*')!, { root }));
  return app;
}

/** The file under root that `segments` (decoded once) name, or undefined. */
function modelFile(segments: readonly string[]): string | undefined {
  try {
    return readFileSync(path.join(root, ...segments), 'utf8');
  } catch {
    return undefined;
  }
}

function assertNoSecret(res: InProcessResponse, target: string): void {
  assert.ok(!res.body.toString('latin1').includes(SECRET), `${target} leaked a file outside the root`);
  assert.notEqual(res.status, 500, target);
}

describe('static files under hostile paths', () => {
  const app = staticApp();

  test('serveStatic and c.file({ root }) never serve a byte from outside the root; refusals are 400 ERR_BAD_PATH', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/s', '/d', '/f'), staticPath, async (mount, tail) => {
        const target = mount + tail;
        const res = await app.request(target);
        assertNoSecret(res, target);
        assert.ok([200, 301, 400, 404].includes(res.status), `${target} → ${res.status}`);
        if (res.status === 400) assert.equal(codeOf(res), 'ERR_BAD_PATH', target);
        if (res.status === 200) {
          const segments = decodeURIComponent(tail).split('/').filter((s) => s !== '');
          const file = modelFile(segments) ?? modelFile([...segments, 'index.html']);
          assert.equal(res.body.toString('utf8'), file, target);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('every file inside the root, whatever dots its name has, is served with dotfiles allowed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(inside)), async (name) => {
        const target = `/d/${name.split('/').map(encodeURIComponent).join('/')}`;
        const res = await app.request(target);
        assert.equal(res.status, 200, target);
        assert.equal(res.body.toString('utf8'), inside[name], target);
      }),
      { numRuns: 50 },
    );
  });
});

describe('serveStatic behind a prefix guard', () => {
  const guarded = quietApp();
  guarded.use('/sub', (c) => c.json({ error: { code: 'DENIED' } }, 401));
  guarded.use(serveStatic(root, { dotfiles: 'allow' }));
  const pieces = ['sub', '%73ub', 's%75b', '%73%75%62', 'SUB', 'sub%2F', 'sub%2f', '.', '%2e', '%2E', '%2F', 'inner.txt', 'index.html', '', '%252e', 'x'];
  const guardedPath = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

  test('no spelling of a guarded prefix ("%73ub", "sub%2F", "/./sub") reaches the files under it past the guard', async () => {
    await fc.assert(
      fc.asyncProperty(guardedPath, async (target) => {
        const res = await guarded.request(target);
        assert.notEqual(res.status, 500, target);
        const body = res.body.toString('utf8');
        assert.ok(!body.includes(inside['sub/inner.txt']!) && !body.includes(inside['sub/index.html']!), `${target} got past the guard`);
      }),
      { numRuns: 800 },
    );
  });

  test('"/%73ub/inner.txt", "/sub%2Finner.txt" and "/./sub/inner.txt" meet the /sub middleware (401), not the file', async () => {
    for (const target of ['/%73ub/inner.txt', '/sub%2Finner.txt', '/./sub/inner.txt', '/%2e/sub/inner.txt']) {
      assert.equal((await guarded.request(target)).status, 401, target);
    }
  });
});

describe('static files, minimal cases', () => {
  test('a file named "..dots.txt" inside the root is served with dotfiles allowed (200), not taken for a way out (404)', async () => {
    const res = await staticApp().request('/d/..dots.txt');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString('utf8'), inside['..dots.txt']);
  });
});
