/**
 * The end of the poll phase: the handlers of the requests that arrived run
 * there, back to back, before any answer is written; an answer given once a
 * handler's promises settle is still written with the others; nothing queued
 * is lost, also when it comes after the handlers have run. (Every test of
 * the server over real sockets goes through it too.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatchAtEndOfPoll, flushAtEndOfPoll } from '../../src/wire/end-of-poll.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('handlers queued after a flush still run before it, and what they settle in microtasks comes before it too', async () => {
  const events: string[] = [];
  flushAtEndOfPoll({ flushNow: () => events.push('flush') });
  dispatchAtEndOfPoll({
    dispatchDeferred: () => {
      events.push('handler a');
      void Promise.resolve().then(() => Promise.resolve()).then(() => events.push('a answered'));
    },
  });
  dispatchAtEndOfPoll({ dispatchDeferred: () => events.push('handler b') });
  assert.deepEqual(events, [], 'nothing runs before the end of the poll phase');
  await turn();
  await turn();
  assert.deepEqual(events, ['handler a', 'handler b', 'a answered', 'flush']);
});

test('a request queued after the handlers ran (during the flush) is handled in the next turn, not lost', async () => {
  const events: string[] = [];
  flushAtEndOfPoll({
    flushNow: () => {
      events.push('flush');
      dispatchAtEndOfPoll({ dispatchDeferred: () => events.push('late handler') });
    },
  });
  for (let i = 0; i < 4 && !events.includes('late handler'); i++) await turn();
  assert.deepEqual(events, ['flush', 'late handler']);
});

test('a batch made due by a flush is written in the same loop', async () => {
  const events: string[] = [];
  flushAtEndOfPoll({
    flushNow: () => {
      events.push('first');
      flushAtEndOfPoll({ flushNow: () => events.push('second') });
    },
  });
  await turn();
  await turn();
  assert.deepEqual(events, ['first', 'second']);
});
