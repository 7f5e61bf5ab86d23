/**
 * The playground in a real browser: Debian's Chromium, driven by
 * playwright-core. Load, sign and send → success; edit the body after
 * signing → ERR_SIG_DIGEST; wrong secret → ERR_SIG_INVALID with the two
 * signature bases side by side. A screenshot is kept under test-results/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createDemoApp } from '../../src/demo/app.ts';
import type { Server } from '../../src/index.ts';
import { findBinary } from '../helpers/browser.ts';

const SECRET = 'playground-test-secret-0123456789';
const CHROMIUM = findBinary(['chromium', 'chromium-browser', 'google-chrome']);
/** Browser-side predicate (a string: this project's TypeScript has no DOM types): an answer is shown. */
const STATUS_SHOWN = `/^\\d{3} /.test(document.getElementById('status').textContent)`;
const SCREENSHOT = new URL('../../test-results/playground.png', import.meta.url);

describe('playground in Chromium', { skip: skipReason() }, () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const app = createDemoApp({ keys: { demo: { alg: 'hmac-sha256', secret: SECRET } }, playground: { keyId: 'demo', secret: SECRET } });
    server = await app.listen({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close({ graceMs: 0 });
  });

  /** Clicks a button and waits for the status line to show a new answer. */
  async function answer(button: string): Promise<{ status: string; code: string }> {
    await page.locator('#status').evaluate((status) => (status.textContent = 'waiting'));
    await page.click(button);
    await page.waitForFunction(STATUS_SHOWN, null, { timeout: 10_000 });
    const status = page.locator('#status');
    return { status: (await status.textContent()) ?? '', code: (await status.getAttribute('data-code')) ?? '' };
  }

  test('a request signed in the browser is accepted, and the page shows what was signed', async () => {
    const { status, code } = await answer('#signSend');
    assert.match(status, /^201 /);
    assert.equal(code, '');
    assert.match(await page.textContent('#sigHeaders') ?? '', /Content-Digest: sha-256=:.+:\nSignature-Input: sig1=\("@method"/);
    assert.match(await page.textContent('#clientBase') ?? '', /^"@method": POST\n"@authority": 127\.0\.0\.1:\d+\n"@path": \/api\/orders/);
    assert.match(await page.textContent('#curl') ?? '', /^curl -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/api\/orders' /);
  });

  test('editing the body after signing is caught: ERR_SIG_DIGEST', async () => {
    await page.fill('#body', '{"item": "something else", "quantity": 2}');
    const { status, code } = await answer('#send');
    assert.match(status, /^401 /);
    assert.equal(code, 'ERR_SIG_DIGEST');
  });

  test('a wrong secret is ERR_SIG_INVALID, with the client and server bases side by side', async () => {
    await page.fill('#secret', 'not-the-secret');
    const { code } = await answer('#signSend');
    assert.equal(code, 'ERR_SIG_INVALID');
    assert.equal(await page.isVisible('#diff'), true);
    const lines = (id: string): Promise<string[]> => page.$$eval(`#${id} .line`, (spans) => spans.map((span) => span.textContent ?? ''));
    const clientBase = (await page.textContent('#clientBase')) ?? '';
    assert.deepEqual(await lines('diffClient'), clientBase.split('\n'));
    assert.deepEqual(await lines('diffServer'), clientBase.split('\n'), 'the server verified the same base');
    assert.equal(await page.locator('#diff .changed').count(), 0);
    assert.match(await page.textContent('#diffVerdict') ?? '', /bases match/);
    mkdirSync(new URL('.', SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
    console.log(`playground screenshot: ${SCREENSHOT.pathname}`);
  });
});

describe('playground diff in Chromium', { skip: skipReason() }, () => {
  test('a request changed in transit shows the differing line of the signature base marked', async (t) => {
    const app = createDemoApp({ keys: { demo: { alg: 'hmac-sha256', secret: SECRET } }, playground: { keyId: 'demo', secret: SECRET } });
    const server = await app.listen({ port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    t.after(async () => {
      await browser.close();
      await server.close({ graceMs: 0 });
    });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    // A "proxy" that adds a query parameter on the way: the signature no longer covers what arrives.
    await page.route('**/api/orders', (route) => route.continue({ url: `${route.request().url()}?tampered=1` }));
    await page.click('#signSend');
    await page.waitForFunction(`document.getElementById('status').dataset.code === 'ERR_SIG_INVALID'`, null, { timeout: 10_000 });
    const changed = await page.$$eval('#diffServer .changed', (spans) => spans.map((span) => span.textContent));
    assert.deepEqual(changed, ['"@query": ?tampered=1']);
    assert.match(await page.textContent('#diffVerdict') ?? '', /1 line\(s\) differ/);
  });
});

function skipReason(): string | false {
  if (CHROMIUM !== undefined) return false;
  const reason = 'chromium not installed: apt-get install chromium';
  if (process.env['CI']) throw new Error(`${reason} (CI must run the browser tests)`);
  console.log(`skipping the playground browser tests: ${reason}`);
  return reason;
}
