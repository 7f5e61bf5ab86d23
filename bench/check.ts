/**
 * Before a server is measured, the harness asks it once what wrk is about to
 * ask (the scenario's `check`) and stops the run unless the answer has the
 * expected status (200 unless said), media type and body: requests per
 * second of wrong answers measure nothing. A signed check signs its request
 * afresh, and a server that verifies signatures must also refuse the same
 * request unsigned (401). One request per connection (`agent: false`), so
 * the harness keeps no socket to the server.
 */
import { request } from 'node:http';
import type { Scenario, ServerEntry } from './catalog.ts';
import { signedHeaders, unsignedHeaders } from './signed-requests.ts';

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const TIMEOUT_MS = 5000;

function ask(port: number, path: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const type = res.headers['content-type'] ?? '';
        resolve({ status: res.statusCode ?? 0, type, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Headers of the check's request; a signed check's is sent signed, or with `sign` false, unsigned. */
async function headersOf(scenario: Scenario, sign: boolean): Promise<Record<string, string>> {
  const { body, signed = false } = scenario.check;
  if (body === undefined) return {};
  const length = { 'Content-Length': String(Buffer.byteLength(body)) };
  if (!signed) return { 'Content-Type': 'application/json', ...length };
  return { ...(sign ? await signedHeaders(scenario.path, body) : unsignedHeaders()), ...length };
}

/** Resolves when `server` answers the scenario's check as expected; throws a readable account otherwise. */
export async function checkAnswer(scenario: Scenario, server: ServerEntry, port: number): Promise<void> {
  const { method = 'GET', body, signed = false, status = 200, type, response } = scenario.check;
  const what = `${server.label} on ${method} ${scenario.path}${signed ? ' signed' : ''} (scenario ${scenario.name})`;
  const answer = await askOrThrow(what, port, scenario.path, method, await headersOf(scenario, signed), body);
  const media = answer.type.split(';')[0]!.trim().toLowerCase();
  const wrong = [
    answer.status === status ? '' : `status ${answer.status}, expected ${status}`,
    media === type ? '' : `Content-Type "${answer.type}", expected ${type}`,
    answer.body === response ? '' : `body ${JSON.stringify(answer.body.slice(0, 200))}, expected ${JSON.stringify(response)}`,
  ].filter((problem) => problem !== '');
  if (wrong.length > 0) throw new Error(`wrong answer from ${what}: ${wrong.join('; ')}`);
  if (signed && server.verifiesSignatures === true) await checkRefusal(scenario, server, port);
}

/** A server that verifies signatures must refuse the check's request unsigned. */
async function checkRefusal(scenario: Scenario, server: ServerEntry, port: number): Promise<void> {
  const { method = 'GET', body } = scenario.check;
  const what = `${server.label} on ${method} ${scenario.path} unsigned (scenario ${scenario.name})`;
  const answer = await askOrThrow(what, port, scenario.path, method, await headersOf(scenario, false), body);
  if (answer.status !== 401) throw new Error(`wrong answer from ${what}: status ${answer.status}, expected 401`);
}

async function askOrThrow(what: string, ...args: Parameters<typeof ask>): Promise<Answer> {
  return ask(...args).catch((error: unknown) => {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
}
