/**
 * The cluster's options at the boundary: `--workers`, balancing by Node
 * version and OS, listen settings, and the messages between primary and
 * workers.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { hasReusePort, resolveBalancing } from '../../src/cluster/balancing.ts';
import { isPrimaryMessage, isWorkerMessage, workerConfig, WORKER_ENV } from '../../src/cluster/messages.ts';
import { checkListen, MAX_WORKERS, parseWorkers, resolveWorkers } from '../../src/cluster/options.ts';

describe('--workers', () => {
  test('a positive integer → that many workers', () => {
    assert.equal(parseWorkers('1'), 1);
    assert.equal(parseWorkers('16'), 16);
    assert.equal(resolveWorkers(3), 3);
  });

  test('"auto" → os.availableParallelism()', () => {
    assert.equal(parseWorkers('auto'), availableParallelism());
    assert.equal(resolveWorkers(), availableParallelism());
  });

  test('zero, negative, fractional, non-numeric or above MAX_WORKERS → ERR_INVALID_OPTION', () => {
    for (const text of ['0', '-1', '1.5', '2x', '', ' 2', '0x10', 'AUTO', String(MAX_WORKERS + 1)]) {
      assert.throws(() => parseWorkers(text), { code: 'ERR_INVALID_OPTION' }, text);
    }
    for (const value of [0, -2, 2.5, Number.NaN, Infinity]) {
      assert.throws(() => resolveWorkers(value), { code: 'ERR_INVALID_OPTION' }, String(value));
    }
  });
});

describe('balancing', () => {
  test('reusePort exists from Node 22.12 on the 22 line and 23.1 on', () => {
    const cases: [string, boolean][] = [['20.20.2', false], ['22.11.0', false], ['22.12.0', true], ['23.0.0', false], ['23.1.0', true], ['24.0.0', true]];
    for (const [version, expected] of cases) assert.equal(hasReusePort(version), expected, version);
  });

  test('auto → reuse-port where Node and the OS have it, else round-robin', () => {
    assert.equal(resolveBalancing('auto', '20.20.2', 'linux'), 'round-robin');
    assert.equal(resolveBalancing('auto', '22.12.0', 'linux'), 'reuse-port');
    assert.equal(resolveBalancing('auto', '24.1.0', 'darwin'), 'round-robin');
    assert.equal(resolveBalancing('round-robin', '24.1.0', 'linux'), 'round-robin');
  });

  test('reuse-port asked where it does not exist, or an unknown value → ERR_INVALID_OPTION', () => {
    assert.throws(() => resolveBalancing('reuse-port', '20.20.2', 'linux'), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => resolveBalancing('random' as 'auto', '24.0.0', 'linux'), { code: 'ERR_INVALID_OPTION' });
  });
});

describe('listen settings', () => {
  test('a bad port, host or grace period → ERR_INVALID_OPTION', () => {
    const fine = { port: 8000, host: '127.0.0.1', graceMs: 5000 };
    assert.doesNotThrow(() => checkListen(fine));
    for (const bad of [{ port: 65536 }, { port: -1 }, { port: 1.5 }, { host: '' }, { graceMs: -1 }, { graceMs: 2 ** 31 }]) {
      assert.throws(() => checkListen({ ...fine, ...bad }), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(bad));
    }
  });
});

describe('primary ⇄ worker messages', () => {
  test('the worker config round-trips through the environment; absent outside a worker', () => {
    const config = { id: 2, port: 8000, host: '127.0.0.1', graceMs: 5000, balancing: 'round-robin' as const, workers: 4 };
    assert.deepEqual(workerConfig({ [WORKER_ENV]: JSON.stringify(config) }), config);
    assert.deepEqual(workerConfig({ [WORKER_ENV]: JSON.stringify({ ...config, tls: true }) }), { ...config, tls: true });
    assert.equal(workerConfig({}), undefined);
    assert.throws(() => workerConfig({ [WORKER_ENV]: '{"id":1}' }), /not a worker config/);
    assert.throws(() => workerConfig({ [WORKER_ENV]: JSON.stringify({ ...config, tls: { key: 'k' } }) }), /not a worker config/);
  });

  test('only signwire-tagged messages of the right shape are read', () => {
    assert.equal(isWorkerMessage({ signwire: 'listening', port: 8000 }), true);
    assert.equal(isWorkerMessage({ signwire: 'failed', message: 'boom' }), true);
    assert.equal(isWorkerMessage({ signwire: 'tls-wanted' }), true);
    assert.equal(isPrimaryMessage({ signwire: 'tls', options: { key: { base64: 'AA==' }, cert: 'c' } }), true);
    assert.equal(isPrimaryMessage({ signwire: 'tls' }), false);
    for (const other of [null, 'listening', { signwire: 'listening' }, { signwire: 'other', port: 1 }, { cmd: 'NODE_CLUSTER' }]) {
      assert.equal(isWorkerMessage(other), false, JSON.stringify(other));
    }
  });
});
