/**
 * Metrics of a whole cluster, with real processes and sockets
 * (test/fixtures/cluster-metrics-app.ts served by `serveCluster()` with two
 * workers): whichever worker a scrape reaches, it shows both workers'
 * series, each labelled with its worker, and their counts are the requests
 * each process answered; a worker too busy to answer is left out after the
 * primary's deadline instead of holding the scrape.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClusterInfo } from '../../src/index.ts';
import { COLLECT_TIMEOUT_MS } from '../../src/cluster/metrics-gather.ts';
import { NodeProcess, requestOnNewConnection, type Answer } from '../helpers/cluster-process.ts';
import { parseExposition, sampleValue, type ParsedFamily } from '../helpers/prometheus-text.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

async function startCluster(t: TestContext): Promise<ClusterInfo> {
  const cluster = new NodeProcess(t, [fixture('cluster-api.ts')], { APP_MODULE: fixture('cluster-metrics-app.ts') });
  return JSON.parse((await cluster.waitFor(/^ready (.*)$/m))[1]!) as ClusterInfo;
}

/** A scrape on a connection of its own, parsed strictly, with the pid of the worker that answered. */
async function scrape(port: number): Promise<{ families: Map<string, ParsedFamily>; pid: number }> {
  const answer = await requestOnNewConnection(port, '/metrics');
  assert.equal(answer.status, 200);
  return { families: parseExposition(answer.body), pid: answer.pid };
}

/** Worker label → pid, from the fixture's gauge. */
function pidsByWorker(families: Map<string, ParsedFamily>): Map<string, number> {
  return new Map(families.get('test_worker_pid')!.samples.map((s) => [s.labels['worker']!, s.value]));
}

describe('metrics of a cluster of two workers', { timeout: 120_000 }, () => {
  test('every scrape holds both workers\' series, labelled, counting what each process answered', async (t) => {
    const info = await startCluster(t);
    const answered = new Map<number, number>();
    for (let i = 0; i < 12; i++) {
      const answer: Answer = await requestOnNewConnection(info.port, '/');
      assert.equal(answer.status, 200);
      answered.set(answer.pid, (answered.get(answer.pid) ?? 0) + 1);
    }
    assert.equal(answered.size, 2, 'both workers answered');
    const scrapers = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const { families, pid } = await scrape(info.port);
      scrapers.add(pid);
      assert.equal(sampleValue(families, 'signwire_cluster_workers'), 2);
      assert.equal(sampleValue(families, 'signwire_cluster_workers_scraped'), 2);
      const pids = pidsByWorker(families);
      assert.deepEqual([...pids.keys()].sort(), ['1', '2']);
      assert.deepEqual(new Set(pids.values()), new Set(info.pids));
      for (const [worker, workerPid] of pids) {
        const labels = { worker, method: 'GET', route: '/', status: '200' };
        assert.equal(sampleValue(families, 'signwire_http_requests_total', labels), answered.get(workerPid), `worker ${worker}`);
      }
      const scrapesCounted = families.get('signwire_http_requests_total')!.samples
        .filter((s) => s.labels['route'] === '/metrics').reduce((sum, s) => sum + s.value, 0);
      assert.equal(scrapesCounted, i, 'the scrapes before this one, wherever they landed');
    }
    assert.equal(scrapers.size, 2, 'scrapes reached both workers');
  });

  test('a worker that cannot answer is left out after the primary\'s deadline; the scrape says 1 of 2', async (t) => {
    const info = await startCluster(t);
    const blockMs = COLLECT_TIMEOUT_MS * 3;
    for (let attempt = 1; ; attempt++) {
      const blocked = requestOnNewConnection(info.port, `/block?ms=${blockMs}`);
      const unblocked = blocked.then(() => 'unblocked' as const);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = performance.now();
      const first = await Promise.race([scrape(info.port), unblocked]);
      const took = performance.now() - started;
      const blocker = (await blocked).pid;
      if (first === 'unblocked') {
        // The scrape reached the blocked worker itself; try again (round-robin sends the next one elsewhere).
        assert.ok(attempt < 3, 'three scrapes in a row reached the blocked worker');
        continue;
      }
      assert.notEqual(first.pid, blocker);
      assert.equal(sampleValue(first.families, 'signwire_cluster_workers'), 2);
      assert.equal(sampleValue(first.families, 'signwire_cluster_workers_scraped'), 1);
      assert.deepEqual([...pidsByWorker(first.families).values()], [first.pid]);
      assert.ok(took >= COLLECT_TIMEOUT_MS * 0.9 && took < blockMs, `the scrape took ${Math.round(took)} ms`);
      break;
    }
  });
});
