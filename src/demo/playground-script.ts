/**
 * The playground's browser script (an ES module, as text). It imports the
 * signwire client and the shared RFC 9421 code from `/_signwire/`, so what
 * the page shows is what the library does.
 */
export const PLAYGROUND_SCRIPT = `
import { signRequest } from '/_signwire/client/index.js';
import { parseSignatureFields } from '/_signwire/sign/rfc9421/signature-fields.js';
import { signatureBase } from '/_signwire/sign/rfc9421/signature-base.js';

const $ = (id) => document.getElementById(id);
const defaults = JSON.parse($('defaults').textContent);
$('keyId').value = defaults.keyId;
$('secret').value = defaults.secret;
let signed;

function readHeaders() {
  const headers = {};
  for (const line of $('headers').value.split('\\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function shellQuote(text) {
  return "'" + text.replace(/'/g, "'\\\\''") + "'";
}

async function sign() {
  const method = $('method').value;
  const url = new URL($('path').value, location.origin);
  const body = method === 'GET' || method === 'DELETE' ? undefined : $('body').value;
  const headers = readHeaders();
  if (body === undefined) delete headers['content-type'];
  const added = await signRequest({ method, url: url.href, headers, body }, { keyId: $('keyId').value, key: $('secret').value, alg: 'hmac-sha256' });
  const all = { ...headers, ...Object.fromEntries(Object.entries(added).map(([k, v]) => [k.toLowerCase(), v])) };
  const entry = parseSignatureFields(all['signature-input'], all['signature'])[0];
  const message = { method, target: url.pathname + url.search, path: url.pathname, search: url.search.slice(1), authority: url.host, scheme: url.protocol.slice(0, -1), header: (name) => all[name.toLowerCase()] };
  const base = signatureBase(message, entry.components, entry.params);
  signed = { method, url: url.href, headers: all, base };
  $('sigHeaders').textContent = Object.entries(added).map(([k, v]) => k + ': ' + v).join('\\n');
  $('clientBase').textContent = base;
  const parts = ['curl', '-i', '-X', method, shellQuote(url.href), ...Object.entries(all).flatMap(([k, v]) => ['-H', shellQuote(k + ': ' + v)])];
  if (body !== undefined) parts.push('--data-raw', shellQuote(body));
  $('curl').textContent = parts.join(' ');
  return signed;
}

async function send() {
  if (!signed) await sign();
  const body = signed.method === 'GET' || signed.method === 'DELETE' ? undefined : $('body').value;
  const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, body });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const code = json && json.error && json.error.code;
  $('status').textContent = response.status + ' ' + response.statusText + (code ? ' — ' + code : '');
  $('status').className = 'status ' + (response.ok ? 'ok' : 'fail');
  $('status').dataset.code = code || '';
  $('response').textContent = json ? JSON.stringify(json, null, 2) : text;
  showDiff(code === 'ERR_SIG_INVALID' ? json.error.signatureBase : undefined);
}

function showDiff(serverBase) {
  $('diff').hidden = serverBase === undefined;
  if (serverBase === undefined) return;
  const client = signed.base.split('\\n');
  const server = serverBase.split('\\n');
  const render = (lines, other) => lines.map((line, i) => {
    const span = document.createElement('span');
    span.className = 'line' + (line !== other[i] ? ' changed' : '');
    span.textContent = line;
    return span;
  });
  $('diffClient').replaceChildren(...render(client, server));
  $('diffServer').replaceChildren(...render(server, client));
  const differing = Math.max(client.length, server.length) - client.filter((line, i) => line === server[i]).length;
  $('diffVerdict').textContent = differing === 0
    ? 'The bases match line for line: the request arrived as signed, so the key (secret) is what differs.'
    : differing + ' line(s) differ (marked): the server saw the request differently from how it was signed.';
}

function guard(action) {
  return () => action().catch((error) => {
    $('status').textContent = 'Error: ' + error.message;
    $('status').className = 'status fail';
  });
}

$('sign').addEventListener('click', guard(sign));
$('send').addEventListener('click', guard(send));
$('signSend').addEventListener('click', guard(async () => { await sign(); await send(); }));
document.body.dataset.ready = 'true';
`;
