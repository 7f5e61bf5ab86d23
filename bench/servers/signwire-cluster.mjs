/**
 * signwire App hello on N workers (`node signwire-cluster.mjs N`):
 * `serveCluster()` from the built package, each worker serving
 * hello-app.mjs, connections handed out round-robin by the primary (or
 * spread by SO_REUSEPORT where Node has it). Prints `listening PORT` once
 * every worker listens; when stdin closes, shuts the cluster down and exits.
 */
import { serveCluster } from '../../dist/index.js';

const workers = Number(process.argv[2] ?? 2);
const stop = new AbortController();
process.stdin.on('end', () => stop.abort());
process.stdin.resume();

process.exitCode = await serveCluster(new URL('./hello-app.mjs', import.meta.url), {
  workers,
  port: 0,
  graceMs: 1000,
  signal: stop.signal,
  onReady: ({ port }) => process.stdout.write(`listening ${port}\n`),
  log: (line, level) => level === 'error' && console.error(line),
});
