/**
 * End to end with curl, the real binary: keep-alive reuse, chunked and
 * `Expect: 100-continue` uploads, HEAD, a large streamed response under
 * backpressure, and HTTP/1.0.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConnectionCounter, curl, curlHeldBack, requireBinary, tempDir } from '../helpers/clients.ts';
import { startServer } from '../helpers/server.ts';

const MiB = 1024 * 1024;

interface CurlResponse {
  readonly statusLine: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Splits `curl -D -` output (the head of the final response, then its body), skipping 1xx heads. */
function splitDump(out: Buffer): CurlResponse {
  let pos = 0;
  for (;;) {
    const end = out.indexOf('\r\n\r\n', pos);
    assert.notEqual(end, -1, `no response head in ${JSON.stringify(out.subarray(0, 200).toString('latin1'))}`);
    const lines = out.subarray(pos, end).toString('latin1').split('\r\n');
    pos = end + 4;
    const statusLine = lines[0]!;
    if (/^HTTP\/1\.[01] 1\d\d /.test(statusLine)) continue;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { statusLine, headers, body: out.subarray(pos) };
  }
}

/** Lines of curl's `-v` transcript that show headers it received ("< ..."). */
function receivedLines(stderr: string): string[] {
  return stderr.split(/\r?\n/).filter((line) => line.startsWith('< ')).map((line) => line.slice(2));
}

test('two URLs in one curl invocation reuse one keep-alive connection', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const connections = new ConnectionCounter();
  const server = await startServer(t, (req, res) => {
    connections.see(req);
    res.end(`path=${req.url}\n`);
  });
  const base = `http://127.0.0.1:${server.port}`;
  const { stdout } = await curl(['-w', 'connects=%{num_connects}\n', `${base}/a`, `${base}/b`]);
  assert.equal(stdout.toString(), 'path=/a\nconnects=1\npath=/b\nconnects=0\n');
  assert.equal(connections.count, 1);
});

test('a chunked upload from curl reaches the handler as the exact bytes sent', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const data = randomBytes(300 * 1024);
  const file = path.join(tempDir(t), 'upload.bin');
  writeFileSync(file, data);
  let received: Buffer | undefined;
  let framing: Array<string | undefined> = [];
  const server = await startServer(t, async (req, res) => {
    framing = [req.header('transfer-encoding'), req.header('content-length')];
    received = await req.body();
    res.end(String(received.length));
  });
  const { stdout } = await curl([
    '-H', 'Transfer-Encoding: chunked', '-H', 'Content-Type: application/octet-stream',
    '--data-binary', `@${file}`, `http://127.0.0.1:${server.port}/upload`,
  ]);
  assert.equal(stdout.toString(), String(data.length));
  assert.deepEqual(framing, ['chunked', undefined]);
  assert.ok(received?.equals(data), 'the handler received different bytes');
});

test('a body over 1 MiB makes curl send Expect: 100-continue, and 100 Continue arrives without its 1 s wait', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const data = randomBytes(3 * MiB);
  const file = path.join(tempDir(t), 'large.bin');
  writeFileSync(file, data);
  let received: Buffer | undefined;
  let expect: string | undefined;
  const server = await startServer(
    t,
    async (req, res) => {
      expect = req.header('expect');
      received = await req.body();
      res.end('stored');
    },
    { limits: { maxBodyBytes: 8 * MiB } },
  );
  const { stdout, stderr, elapsedMs } = await curl(['-v', '--data-binary', `@${file}`, `http://127.0.0.1:${server.port}/big`]);
  assert.equal(stdout.toString(), 'stored');
  assert.equal(expect, '100-continue');
  assert.deepEqual(receivedLines(stderr).filter((line) => line.startsWith('HTTP/')), ['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK']);
  assert.doesNotMatch(stderr, /Done waiting for 100-continue/);
  assert.ok(elapsedMs < 1_000, `curl took ${Math.round(elapsedMs)} ms: it waited for its Expect timeout`);
  assert.ok(received?.equals(data), 'the handler received different bytes');
});

test('a forced Expect: 100-continue on a small upload gets 100 Continue once the handler reads', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const server = await startServer(t, async (req, res) => {
    res.end(await req.body());
  });
  const { stdout, stderr } = await curl([
    '-v', '-H', 'Expect: 100-continue', '--data-binary', 'small body', `http://127.0.0.1:${server.port}/`,
  ]);
  assert.equal(stdout.toString(), 'small body');
  assert.match(stderr, /^> Expect: 100-continue\r?$/m);
  assert.ok(receivedLines(stderr).includes('HTTP/1.1 100 Continue'), 'no 100 Continue in curl -v output');
  assert.doesNotMatch(stderr, /Done waiting for 100-continue/);
});

test('a handler that answers without reading an Expect: 100-continue body sends no 100 Continue and closes', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const file = path.join(tempDir(t), 'refused.bin');
  writeFileSync(file, randomBytes(2 * MiB));
  let calls = 0;
  const server = await startServer(
    t,
    (_req, res) => {
      calls++;
      res.statusCode = 403;
      res.end('no');
    },
    { limits: { maxBodyBytes: 8 * MiB } },
  );
  const { stdout, stderr } = await curl(['-v', '-D', '-', '--data-binary', `@${file}`, `http://127.0.0.1:${server.port}/`]);
  const response = splitDump(stdout);
  assert.equal(response.statusLine, 'HTTP/1.1 403 Forbidden');
  assert.equal(response.headers['connection'], 'close');
  assert.equal(response.body.toString(), 'no');
  assert.equal(calls, 1);
  assert.ok(!receivedLines(stderr).includes('HTTP/1.1 100 Continue'), 'the server sent 100 Continue');
  assert.doesNotMatch(stderr, /Done waiting for 100-continue/);
});

test('an Expect: 100-continue body over maxBodyBytes gets 413 without 100 Continue and never reaches the handler', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const file = path.join(tempDir(t), 'too-large.bin');
  writeFileSync(file, randomBytes(2 * MiB));
  let calls = 0;
  const server = await startServer(t, (_req, res) => {
    calls++;
    res.end();
  });
  const { stdout, stderr } = await curl(['-v', '-D', '-', '--data-binary', `@${file}`, `http://127.0.0.1:${server.port}/`]);
  const response = splitDump(stdout);
  assert.equal(response.statusLine, 'HTTP/1.1 413 Content Too Large');
  assert.equal(response.headers['connection'], 'close');
  assert.equal(calls, 0);
  assert.ok(!receivedLines(stderr).includes('HTTP/1.1 100 Continue'), 'the server sent 100 Continue');
  assert.doesNotMatch(stderr, /Done waiting for 100-continue/);
});

test('HEAD with curl -I gets the headers of GET and no body, twice on one connection', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const connections = new ConnectionCounter();
  const methods: string[] = [];
  const server = await startServer(t, (req, res) => {
    connections.see(req);
    methods.push(req.method);
    res.setHeader('Content-Type', 'text/plain');
    res.end('hello world');
  });
  const url = `http://127.0.0.1:${server.port}/`;
  const { stdout, stderr } = await curl(['-v', '-I', '-w', '[connects=%{num_connects} body=%{size_download}]\n', url, url]);
  // curl drops bytes that follow a HEAD response without failing; it only says so in -v.
  assert.doesNotMatch(stderr, /Excess found/, 'the server sent a body after a HEAD response');
  const heads = stdout.toString('latin1').split(/\r\n\r\n/);
  assert.equal(heads.length, 3, stdout.toString('latin1'));
  for (const head of heads.slice(0, 2)) {
    assert.match(head, /^(\[connects=\d body=0\]\n)?HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nContent-Length: 11(\r\n|$)/i);
    assert.match(head, /\r\nContent-Type: text\/plain(\r\n|$)/i);
  }
  assert.deepEqual(stdout.toString('latin1').match(/\[connects=\d body=\d+\]/g), ['[connects=1 body=0]', '[connects=0 body=0]']);
  assert.deepEqual(methods, ['HEAD', 'HEAD']);
  assert.equal(connections.count, 1);
});

test('a response of several MiB streamed with write() and drained() meets backpressure and reaches curl intact', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const data = randomBytes(8 * MiB);
  let waits = 0;
  let firstWait!: () => void;
  const backpressure = new Promise<void>((resolve) => (firstWait = resolve));
  const server = await startServer(t, async (_req, res) => {
    res.setHeader('Content-Type', 'application/octet-stream');
    for (let offset = 0; offset < data.length; offset += 64 * 1024) {
      if (!res.write(data.subarray(offset, offset + 64 * 1024))) {
        waits++;
        firstWait();
        await res.drained();
      }
    }
    firstWait(); // never met backpressure: release curl anyway, the assertion below reports it
    res.end();
  });
  // curl's stdout is held until the first full buffer, so the socket surely fills.
  const body = await curlHeldBack(['-o', '-', `http://127.0.0.1:${server.port}/`], backpressure);
  assert.equal(body.length, data.length);
  assert.ok(body.equals(data), 'curl received different bytes');
  assert.ok(waits > 0, 'write() never reported a full buffer: backpressure was not exercised');
});

test('a trailer set with setTrailer reaches curl after the chunked body', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const file = path.join(tempDir(t), 'body.txt');
  const server = await startServer(t, (_req, res) => {
    res.setTrailer('X-Checksum', 'abc123');
    res.write('part1,');
    res.end('part2');
  });
  // -D - writes the head, then (after the body, which goes to the file) the trailer fields.
  const { stdout } = await curl(['-D', '-', '-o', file, `http://127.0.0.1:${server.port}/`]);
  const [head, trailer] = stdout.toString('latin1').split('\r\n\r\n');
  assert.match(head ?? '', /\r\nTransfer-Encoding: chunked(\r\n|$)/i);
  assert.equal(trailer, 'X-Checksum: abc123\r\n');
  assert.equal(readFileSync(file, 'utf8'), 'part1,part2');
});

test('curl --http1.0 gets a Content-Length response with Connection: close', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  let version: string | undefined;
  const server = await startServer(t, (req, res) => {
    version = req.httpVersion;
    res.end('hello 1.0');
  });
  const { stdout } = await curl(['--http1.0', '-D', '-', `http://127.0.0.1:${server.port}/`]);
  const response = splitDump(stdout);
  assert.equal(version, '1.0');
  assert.match(response.statusLine, /^HTTP\/1\.[01] 200 OK$/);
  assert.equal(response.headers['content-length'], '9');
  assert.equal(response.headers['connection'], 'close');
  assert.equal(response.body.toString(), 'hello 1.0');
});

test('curl --http1.0 receives a streamed response without a length, delimited by the close', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const server = await startServer(t, async (_req, res) => {
    for (const part of ['one,', 'two,', 'three']) {
      res.write(part);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    res.end();
  });
  const { stdout } = await curl(['--http1.0', '-D', '-', `http://127.0.0.1:${server.port}/`]);
  const response = splitDump(stdout);
  assert.equal(response.headers['transfer-encoding'], undefined);
  assert.equal(response.headers['content-length'], undefined);
  assert.equal(response.headers['connection'], 'close');
  assert.equal(response.body.toString(), 'one,two,three');
});

test('curl --http1.0 with Connection: keep-alive reuses the connection for a response with a length', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const connections = new ConnectionCounter();
  const server = await startServer(t, (req, res) => {
    connections.see(req);
    res.end(`${req.url};`);
  });
  const base = `http://127.0.0.1:${server.port}`;
  const { stdout } = await curl([
    '--http1.0', '-H', 'Connection: keep-alive', '-w', '%{num_connects};', `${base}/x`, `${base}/y`,
  ]);
  assert.equal(stdout.toString(), '/x;1;/y;0;');
  assert.equal(connections.count, 1);
});
