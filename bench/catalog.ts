/**
 * What the benchmark compares: the servers (one small file each under
 * `servers/`) and the load scenarios (one wrk invocation each, naming the
 * server under test and the servers it is compared with). Adding a peer or a
 * route is one entry here plus, for a server, its file.
 */

export interface ServerEntry {
  /** Short id: what scenarios, targets and IDLE_MEMORY_SERVERS refer to. */
  readonly name: string;
  /** How the tables show it. */
  readonly label: string;
  /** File under bench/servers/. It prints `listening PORT` once bound (see servers/control.mjs). */
  readonly file: string;
  /** It verifies signatures: a `signed` check also expects it to refuse the request unsigned (401). */
  readonly verifiesSignatures?: boolean;
  /** Arguments after the file. */
  readonly args?: readonly string[];
  /**
   * The cores it may run on, as taskset takes them; default the server core
   * alone. The cluster servers get every core, so wrk shares one with a worker.
   */
  readonly cpus?: string;
}

/** The request the harness sends each server once before measuring it, and the answer it must give. */
export interface Check {
  /** Default GET; a POST sends `body` with `Content-Type: application/json`. */
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
  /** Sign the POST as the scenario's presigned requests are, with a fresh nonce (see signed-requests.ts). */
  readonly signed?: boolean;
  /** The answer's status; default 200. */
  readonly status?: number;
  /** Media type of the answer (its Content-Type without parameters). */
  readonly type: string;
  /** The answer's body, byte for byte. */
  readonly response: string;
}

/** Requests signed before the runs, as wrk's Lua cannot sign (see signed-requests.ts). */
export interface Presigned {
  /** The body of every request (one line), sent with `Content-Type: application/json`. */
  readonly body: string;
  /**
   * Requests signed per second of wrk run, to begin with: a server that
   * verifies signatures refuses a repeated nonce, so a run that answers
   * more than its file holds is measured again on a batch signed at a
   * higher rate (see signed-requests.ts).
   */
  readonly rate: number;
}

export interface Scenario {
  readonly name: string;
  readonly label: string;
  /** The server under test: every ratio is "subject ÷ other". */
  readonly subject: string;
  /** The servers it is compared with, in the order the tables show them. */
  readonly servers: readonly string[];
  /** Request path (and query) the wrk URL ends with. */
  readonly path: string;
  /** wrk `-c`. */
  readonly connections: number;
  /** wrk Lua script under bench/scripts/, and the arguments after `--`. */
  readonly script?: string;
  readonly scriptArgs?: readonly string[];
  /** POSTs signed ahead of each run: the script is given their file as its one argument, instead of `scriptArgs`. */
  readonly presigned?: Presigned;
  readonly check: Check;
  /** Goals for the subject, as `server name → minimum ratio`; printed for information only. */
  readonly targets: Readonly<Record<string, number>>;
  /** Other ratios the summary prints, as [numerator, denominator] server names: context for the targets, no goal. */
  readonly references?: ReadonlyArray<readonly [string, string]>;
}

export const SERVERS: readonly ServerEntry[] = [
  { name: 'signwire', label: 'signwire (wire)', file: 'signwire.mjs' },
  { name: 'signwire-app', label: 'signwire App', file: 'signwire-app.mjs' },
  { name: 'fastify', label: 'Fastify', file: 'fastify.mjs' },
  { name: 'hono', label: 'Hono (node-server)', file: 'hono.mjs' },
  { name: 'node-http', label: 'node:http', file: 'node-http.mjs' },
  { name: 'raw-net', label: 'raw net (ceiling)', file: 'raw-net.mjs' },
  { name: 'raw-net-batched', label: 'raw net, end of turn', file: 'raw-net-batched.mjs' },
  { name: 'signwire-signed', label: 'signwire App signed', file: 'signwire-signed.mjs', verifiesSignatures: true },
  { name: 'fastify-signed', label: 'Fastify signed', file: 'fastify-signed.mjs', verifiesSignatures: true },
  { name: 'minimal-signed', label: 'minimal verifier (reference)', file: 'minimal-signed.mjs', verifiesSignatures: true },
  { name: 'signwire-cluster-1', label: 'App on 1 worker', file: 'signwire-cluster.mjs', args: ['1'], cpus: '0,1' },
  { name: 'signwire-cluster-2', label: 'App on 2 workers', file: 'signwire-cluster.mjs', args: ['2'], cpus: '0,1' },
];

const HELLO: Check = { type: 'text/plain', response: 'Hello, World!' };

/** What the post-echo check sends: nesting, every JSON type, non-ASCII text (wrk's body is post-json.lua's). */
const ECHO_SAMPLE = '{"id":7,"ok":true,"none":null,"price":19.5,"tags":["a","b"],"customer":{"name":"Zoë","city":"Zürich"}}';

/**
 * The JSON object post-json.lua sends, in the same bytes: an order with a
 * customer and ten line items, padded with a note to exactly `size` bytes.
 */
function order(size: number): string {
  const item = (i: number): string => `{"sku":"sku-${String(i).padStart(4, '0')}","name":"Item number ${i}","qty":${(i % 5) + 1},"price":${199 * i}}`;
  const items = Array.from({ length: 10 }, (_, i) => item(i + 1));
  const head =
    '{"id":"ord_7f3a9c","type":"order.created","created":"2026-11-23T20:00:00Z",' +
    '"customer":{"id":"cus_0042","name":"Ada Lovelace","email":"ada@example.com","vip":true},' +
    `"items":[${items.join(',')}],"note":"`;
  const tail = '"}';
  return head + 'n'.repeat(size - head.length - tail.length) + tail;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hello',
    label: 'hello GET, keep-alive',
    subject: 'signwire',
    servers: ['node-http', 'raw-net', 'raw-net-batched'],
    path: '/',
    connections: 50,
    check: HELLO,
    targets: { 'node-http': 3, 'raw-net': 0.85 },
    // The most any Node server reaches against node:http here: a target above it cannot be met on this machine.
    references: [['raw-net', 'node-http']],
  },
  {
    name: 'pipelined',
    label: 'hello GET, pipelined ×16',
    subject: 'signwire',
    servers: ['node-http', 'raw-net', 'raw-net-batched'],
    path: '/',
    connections: 50,
    script: 'pipeline.lua',
    scriptArgs: ['16'],
    check: HELLO,
    targets: { 'node-http': 10, 'raw-net': 0.5 },
    references: [['raw-net', 'node-http']],
  },
  {
    name: 'app-hello',
    label: 'App hello GET, keep-alive (the cost of the app layer)',
    subject: 'signwire-app',
    servers: ['signwire'],
    path: '/',
    connections: 50,
    check: HELLO,
    targets: { signwire: 0.9 },
  },
  {
    name: 'json-route',
    label: 'GET /users/:id?q=x answering JSON, keep-alive',
    subject: 'signwire-app',
    servers: ['fastify', 'hono', 'node-http'],
    path: '/users/7?q=x',
    connections: 50,
    check: { type: 'application/json', response: '{"id":"7","q":"x"}' },
    targets: { fastify: 2.5 },
  },
  {
    name: 'post-echo',
    label: 'POST /echo of a 1 KiB JSON body echoed back, keep-alive',
    subject: 'signwire-app',
    servers: ['fastify', 'hono', 'node-http'],
    path: '/echo',
    connections: 50,
    script: 'post-json.lua',
    scriptArgs: ['1024'],
    check: { method: 'POST', body: ECHO_SAMPLE, type: 'application/json', response: ECHO_SAMPLE },
    targets: { fastify: 2 },
  },
  {
    name: 'signed-post',
    label: 'POST /orders of a 1 KiB JSON body signed with hmac-sha256, echoed back with 201, keep-alive',
    subject: 'signwire-signed',
    // minimal-signed has no target: it is the floor any verifier pays here, beside which verifySignature's own parsing and checking shows.
    servers: ['signwire-app', 'fastify-signed', 'minimal-signed'],
    path: '/orders',
    connections: 50,
    script: 'signed-post.lua',
    // Raised during the run when a signed server answers more; the unsigned App, which answers more still, ignores nonces.
    presigned: { body: order(1024), rate: 40_000 },
    check: { method: 'POST', body: ECHO_SAMPLE, signed: true, status: 201, type: 'application/json', response: ECHO_SAMPLE },
    targets: { 'signwire-app': 0.6, 'fastify-signed': 3 },
    // How close to the unsigned POST verifying can come at all here: the floor the 0.6 target is measured against.
    references: [['minimal-signed', 'signwire-app']],
  },
  {
    name: 'cluster',
    // Both servers may use both cores; wrk stays pinned to one of them, so with two cores it competes with the workers.
    label: 'App hello GET, keep-alive: 2 workers against 1 (node:cluster, both cores, wrk sharing one)',
    subject: 'signwire-cluster-2',
    servers: ['signwire-cluster-1'],
    path: '/',
    connections: 50,
    check: HELLO,
    targets: {},
  },
];

/** A scenario's subject, then the servers it is compared with, as entries; its references must name them. */
export function serversOf(scenario: Scenario): ServerEntry[] {
  const names = [scenario.subject, ...scenario.servers];
  for (const name of (scenario.references ?? []).flat()) {
    if (!names.includes(name)) throw new Error(`scenario ${scenario.name}: reference "${name}" is not one of its servers`);
  }
  return names.map((name) => {
    const entry = SERVERS.find((server) => server.name === name);
    if (entry === undefined) throw new Error(`scenario ${scenario.name}: no server named "${name}" in SERVERS`);
    return entry;
  });
}

/** Servers whose memory per idle keep-alive connection is measured; ratios are "first ÷ other". */
export const IDLE_MEMORY_SERVERS: readonly string[] = ['signwire', 'node-http'];

/** Pinning on a 2-core machine: servers on one core, load generators on the other. */
export const SERVER_CPU = 0;
export const CLIENT_CPU = 1;
