/**
 * Before a server is measured, the harness asks it once what wrk is about to
 * ask (the scenario's `check`) and stops the run unless the answer is a 200
 * with the expected media type and body: requests per second of wrong
 * answers measure nothing. One request on its own connection (`agent: false`),
 * so the harness keeps no socket to the server.
 */
import { request } from 'node:http';
import type { Scenario, ServerEntry } from './catalog.ts';

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const TIMEOUT_MS = 5000;

function ask(port: number, path: string, method: string, body: string | undefined): Promise<Answer> {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
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

/** Resolves when `server` answers the scenario's check as expected; throws a readable account otherwise. */
export async function checkAnswer(scenario: Scenario, server: ServerEntry, port: number): Promise<void> {
  const { method = 'GET', body, type, response } = scenario.check;
  const what = `${server.label} on ${method} ${scenario.path} (scenario ${scenario.name})`;
  const answer = await ask(port, scenario.path, method, body).catch((error: unknown) => {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const media = answer.type.split(';')[0]!.trim().toLowerCase();
  const wrong = [
    answer.status === 200 ? '' : `status ${answer.status}, expected 200`,
    media === type ? '' : `Content-Type "${answer.type}", expected ${type}`,
    answer.body === response ? '' : `body ${JSON.stringify(answer.body.slice(0, 200))}, expected ${JSON.stringify(response)}`,
  ].filter((problem) => problem !== '');
  if (wrong.length > 0) throw new Error(`wrong answer from ${what}: ${wrong.join('; ')}`);
}
