/** `coalesced`: one run at a time, and a request made during a run makes exactly one more run after it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesced } from '../src/coalesced.ts';

/** A task whose runs are let go one by one; it records when each starts and ends. */
function gatedTask() {
  const events: string[] = [];
  const gates: Array<() => void> = [];
  let runs = 0;
  const task = async (): Promise<void> => {
    const run = ++runs;
    events.push(`start ${run}`);
    await new Promise<void>((resolve) => gates.push(resolve));
    events.push(`end ${run}`);
  };
  const release = async (): Promise<void> => {
    gates.shift()!();
    for (let i = 0; i < 5; i++) await Promise.resolve(); // the run ends, and the next (if any) starts
  };
  return { events, task, release, gates };
}

test('a call while idle runs the task at once', async () => {
  const { events, task, release } = gatedTask();
  const trigger = coalesced(task);
  trigger();
  assert.deepEqual(events, ['start 1']);
  await release();
  assert.deepEqual(events, ['start 1', 'end 1']);
});

test('calls during a run make one more run after it, never two at once', async () => {
  const { events, task, release, gates } = gatedTask();
  const trigger = coalesced(task);
  trigger();
  trigger();
  trigger();
  trigger();
  assert.deepEqual(events, ['start 1'], 'the calls during run 1 wait for it');
  await release();
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2'], 'three calls during run 1 make one run');
  await release();
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'end 2']);
  assert.equal(gates.length, 0, 'no third run');
  trigger();
  assert.deepEqual(events.at(-1), 'start 3', 'idle again: the next call runs at once');
  await release();
});

test('a call during the extra run makes one more', async () => {
  const { events, task, release } = gatedTask();
  const trigger = coalesced(task);
  trigger();
  trigger();
  await release();
  trigger();
  await release();
  await release();
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
});
