/**
 * Test helper: one HTTP/1.1 request from a chosen local address (e.g.
 * 127.0.0.2, any address of the loopback range works on Linux), so a test
 * can be a client whose address differs from a proxy's on the same machine.
 * Node's `http` client, a fresh connection per request, bounded in time.
 */
import http from 'node:http';

export interface FromResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface FromOptions {
  /** The client's address, e.g. "127.0.0.2". */
  readonly localAddress: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

/**
 * Sends one request to `url` from `options.localAddress` and resolves with
 * the whole response; rejects after `timeoutMs` (default 3 s).
 *
 * @example
 * const res = await requestFrom(`http://127.0.0.1:${port}/ip`, { localAddress: '127.0.0.2' });
 */
export function requestFrom(url: string, options: FromOptions): Promise<FromResponse> {
  const { localAddress, method = 'GET', headers = {}, body, timeoutMs = 3_000 } = options;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} from ${localAddress}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
