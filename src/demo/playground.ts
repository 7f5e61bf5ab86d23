/**
 * The playground: a page, served by signwire itself, that composes a
 * request, signs it in the browser with the signwire client (WebCrypto),
 * shows the Content-Digest, the signature base, the signature headers and
 * an equivalent curl command, sends it, and shows the answer. When the
 * server answers ERR_SIG_INVALID, it puts the client's and the server's
 * signature bases side by side with the differing lines marked.
 *
 * The browser loads the client's own modules from the built package under
 * `/_signwire/` (no bundler, no CDN).
 */
import { fileURLToPath } from 'node:url';
import type { App } from '../app/app.ts';
import { serveStatic } from '../app/static.ts';
import { PLAYGROUND_SCRIPT } from './playground-script.ts';
import { PLAYGROUND_STYLE } from './playground-style.ts';

export interface PlaygroundDefaults {
  readonly keyId: string;
  /** Filled in only for pages served to this machine (loopback clients). */
  readonly secret: string;
}

/**
 * The compiled package (`dist/`), whose client modules the page imports:
 * this file's parent when running compiled, `../../dist` when running from
 * the TypeScript sources (tests).
 */
const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/' : '..', import.meta.url));

/** Adds `/` (the page) and `/_signwire/*` (the client modules) to `app`. */
export function playgroundRoutes(app: App, defaults: PlaygroundDefaults | undefined): void {
  app.use('/_signwire', serveStatic(PACKAGE_ROOT, { maxAge: 60 }));
  app.get('/favicon.ico', (c) => c.status(204));
  app.get('/', (c) => {
    const local = isLoopback(c.req.ip);
    const prefill = { keyId: defaults?.keyId ?? 'demo', secret: local ? (defaults?.secret ?? '') : '' };
    c.header('Cache-Control', 'no-store');
    return c.html(page(prefill));
  });
}

function isLoopback(ip: string | undefined): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/** JSON safe to embed in a <script> element. */
function embed(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function page(prefill: { keyId: string; secret: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>signwire playground</title>
<style>${PLAYGROUND_STYLE}</style>
</head>
<body>
<header><h1>signwire playground</h1><p>Compose a request, sign it in your browser (RFC 9421, WebCrypto), send it, and see exactly what was signed.</p></header>
<main>
<section id="compose">
  <h2>Request</h2>
  <div class="row">
    <label>Method <select id="method"><option>POST</option><option>GET</option><option>PUT</option><option>DELETE</option></select></label>
    <label class="grow">Path <input id="path" value="/api/orders"></label>
  </div>
  <label>Headers (one per line, <code>Name: value</code>) <textarea id="headers" rows="2">Content-Type: application/json</textarea></label>
  <label>Body <textarea id="body" rows="4">{"item": "book", "quantity": 2}</textarea></label>
  <div class="row">
    <label>Key id <input id="keyId"></label>
    <label class="grow">Secret (hmac-sha256) <input id="secret" type="text" autocomplete="off" spellcheck="false"></label>
  </div>
  <div class="row buttons">
    <button id="sign">Sign</button>
    <button id="send">Send</button>
    <button id="signSend" class="primary">Sign &amp; send</button>
  </div>
  <p class="hint">Send uses the last signature: edit the body after signing to see the server catch it.</p>
</section>
<section id="signed">
  <h2>Signed</h2>
  <h3>Signature headers</h3><pre id="sigHeaders" class="out">(not signed yet)</pre>
  <h3>Signature base (client)</h3><pre id="clientBase" class="out"></pre>
  <h3>curl</h3><pre id="curl" class="out"></pre>
</section>
<section id="result">
  <h2>Response</h2>
  <div id="status" class="status">(nothing sent yet)</div>
  <pre id="response" class="out"></pre>
  <div id="diff" hidden>
    <h3>Signature base: client vs server</h3>
    <p id="diffVerdict" class="verdict"></p>
    <div class="diff"><div><h4>client</h4><pre id="diffClient"></pre></div><div><h4>server</h4><pre id="diffServer"></pre></div></div>
  </div>
</section>
</main>
<script id="defaults" type="application/json">${embed(prefill)}</script>
<script type="module">${PLAYGROUND_SCRIPT}</script>
</body>
</html>`;
}
