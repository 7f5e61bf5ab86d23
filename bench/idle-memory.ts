/**
 * Memory per idle keep-alive connection: the server's resident set (VmRSS)
 * before and after COUNT connections that each made one GET and then stay
 * idle, both read after a full GC and a pause. The server and the client
 * (clients/idle-connections.mjs) run on separate cores, each in the
 * raised-fd-limit wrapper.
 */
import { fileURLToPath } from 'node:url';
import { CLIENT_CPU, type ServerEntry } from './catalog.ts';
import { Child, sleep, startServer } from './child.ts';
import { residentKiB } from './proc.ts';

export interface IdleMemoryResult {
  readonly server: ServerEntry;
  readonly connections: number;
  readonly failed: number;
  /** Connections still open when the second reading was taken. */
  readonly alive: number;
  readonly beforeKiB: number;
  readonly afterKiB: number;
  readonly perConnectionKiB: number;
}

const CLIENT = fileURLToPath(new URL('./clients/idle-connections.mjs', import.meta.url));
const SETTLE_MS = 1500;

/** GC twice (young objects promoted by the first are collected by the second), settle, read VmRSS. */
async function settledResidentKiB(server: Child): Promise<number> {
  for (let i = 0; i < 2; i++) {
    server.send('gc');
    await server.expect('gc done', 10_000);
  }
  await sleep(SETTLE_MS);
  return residentKiB(server.pid);
}

export async function measureIdleMemory(entry: ServerEntry, count: number): Promise<IdleMemoryResult> {
  const { child: server, port } = await startServer(entry, ['--expose-gc']);
  const client = new Child(CLIENT_CPU, process.execPath, [CLIENT, String(port), String(count)]);
  try {
    await client.expect('warm', 60_000);
    const beforeKiB = await settledResidentKiB(server);
    client.send('open');
    const [ok, failed] = (await client.expect('opened ', 180_000)).split(' ').slice(1).map(Number) as [number, number];
    await sleep(SETTLE_MS);
    const afterKiB = await settledResidentKiB(server);
    client.send('check');
    const alive = Number((await client.expect('alive ', 10_000)).split(' ')[1]);
    const perConnectionKiB = ok > 0 ? (afterKiB - beforeKiB) / ok : Number.NaN;
    return { server: entry, connections: ok, failed, alive, beforeKiB, afterKiB, perConnectionKiB };
  } finally {
    await client.stop();
    await server.stop();
  }
}
