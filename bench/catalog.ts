/**
 * What the benchmark compares: the servers (one small file each under
 * `servers/`) and the load scenarios (one wrk invocation each). Adding a peer
 * (Fastify, Hono…) or a route is one entry here plus, for a server, its file.
 */

export interface ServerEntry {
  /** Short id: what SUBJECT, REFERENCES, targets and IDLE_MEMORY_SERVERS refer to. */
  readonly name: string;
  /** How the tables show it. */
  readonly label: string;
  /** File under bench/servers/. It prints `listening PORT` once bound (see servers/control.mjs). */
  readonly file: string;
}

export interface Scenario {
  readonly name: string;
  readonly label: string;
  /** Request path the wrk URL ends with. */
  readonly path: string;
  /** wrk `-c`. */
  readonly connections: number;
  /** wrk Lua script under bench/scripts/, and the arguments after `--`. */
  readonly script?: string;
  readonly scriptArgs?: readonly string[];
  /** Goals for the subject, as `server name → minimum ratio`; printed for information only. */
  readonly targets: Readonly<Record<string, number>>;
}

export const SERVERS: readonly ServerEntry[] = [
  { name: 'signwire', label: 'signwire', file: 'signwire.mjs' },
  { name: 'node-http', label: 'node:http', file: 'node-http.mjs' },
  { name: 'raw-net', label: 'raw net (ceiling)', file: 'raw-net.mjs' },
];

/** The server under test; ratios are "subject / other". */
export const SUBJECT = 'signwire';

/** The columns of ratios every table shows: the baseline and the ceiling. */
export const REFERENCES: readonly string[] = ['node-http', 'raw-net'];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hello',
    label: 'hello GET, keep-alive',
    path: '/',
    connections: 50,
    targets: { 'node-http': 3, 'raw-net': 0.85 },
  },
  {
    name: 'pipelined',
    label: 'hello GET, pipelined ×16',
    path: '/',
    connections: 50,
    script: 'pipeline.lua',
    scriptArgs: ['16'],
    targets: { 'node-http': 10, 'raw-net': 0.5 },
  },
];

/** Servers whose memory per idle keep-alive connection is measured. */
export const IDLE_MEMORY_SERVERS: readonly string[] = ['signwire', 'node-http'];

/** Pinning on a 2-core machine: servers on one core, load generators on the other. */
export const SERVER_CPU = 0;
export const CLIENT_CPU = 1;
