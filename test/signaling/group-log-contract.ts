/**
 * The group-log part of the store contract (store-contract.ts runs it on each engine): entries are
 * kept in order, each must follow the last one, a log is bounded, and it goes with its group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { account, newGroup, type OpenStore } from './store-contract.js';

const GROUP = 'g000000000000000000000001';
const hashOf = (n: number) => n.toString(16).padStart(64, '0');
const entry = (n: number, prev: number | null) => ({
  text: `{"entry":${n}}`,
  hash: hashOf(n),
  prev: prev === null ? null : hashOf(prev),
});

export function groupLogContract(engine: string, open: OpenStore): void {
  test(`${engine}: a group log keeps entries in order, each following the last; a stale one is refused`, async (t) => {
    const { store } = await open(t);
    await store.createAccount(account('alice'));
    await store.createGroup(newGroup(['alice']));
    assert.deepEqual(await store.groupEntries(GROUP), []);
    // The first entry follows nothing; one naming a prev on an empty log is stale.
    assert.equal(await store.appendGroupEntry(GROUP, entry(2, 1), 10), 'stale');
    assert.equal(await store.appendGroupEntry(GROUP, entry(1, null), 10), 'appended');
    assert.equal(await store.appendGroupEntry(GROUP, entry(9, null), 10), 'stale');
    assert.equal(await store.appendGroupEntry(GROUP, entry(2, 1), 10), 'appended');
    // Two changes on the same head: the second is refused, so an honest log never forks.
    assert.equal(await store.appendGroupEntry(GROUP, entry(3, 1), 10), 'stale');
    assert.equal(await store.appendGroupEntry(GROUP, entry(3, 2), 10), 'appended');
    assert.deepEqual(await store.groupEntries(GROUP), [
      entry(1, null).text,
      entry(2, 1).text,
      entry(3, 2).text,
    ]);
    assert.equal(
      await store.appendGroupEntry('g000000000000000000000099', entry(1, null), 10),
      'unknown-group',
    );
  });

  test(`${engine}: a full group log takes no more entries`, async (t) => {
    const { store } = await open(t);
    await store.createAccount(account('alice'));
    await store.createGroup(newGroup(['alice']));
    assert.equal(await store.appendGroupEntry(GROUP, entry(1, null), 2), 'appended');
    assert.equal(await store.appendGroupEntry(GROUP, entry(2, 1), 2), 'appended');
    assert.equal(await store.appendGroupEntry(GROUP, entry(3, 2), 2), 'full');
    assert.equal((await store.groupEntries(GROUP)).length, 2);
  });

  test(`${engine}: appends to one log at the same moment: exactly one wins`, async (t) => {
    const { store } = await open(t);
    await store.createAccount(account('alice'));
    await store.createGroup(newGroup(['alice']));
    await store.appendGroupEntry(GROUP, entry(1, null), 10);
    const results = await Promise.all([2, 3, 4].map((n) => store.appendGroupEntry(GROUP, entry(n, 1), 10)));
    assert.deepEqual(results.filter((result) => result === 'appended').length, 1);
    assert.equal((await store.groupEntries(GROUP)).length, 2);
  });

  test(`${engine}: a group's log goes with the group`, async (t) => {
    const { store, countRows } = await open(t);
    await store.createAccount(account('alice'));
    await store.createGroup(newGroup(['alice']));
    await store.appendGroupEntry(GROUP, entry(1, null), 10);
    assert.equal(await countRows('group_log'), 1);
    await store.removeMember(GROUP, 'alice');
    assert.equal(await countRows('group_log'), 0);
    assert.deepEqual(await store.groupEntries(GROUP), []);
  });
}
