import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

test('a Lobby message reaches everyone online, counted unread until they open the Lobby', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    const carol = await world.register('carol');
    for (const [person, others] of [
      [alice, ['bob', 'carol']],
      [bob, ['alice', 'carol']],
      [carol, ['alice', 'bob']],
    ] as const) {
      for (const other of others) await person.waitUntilOnline(other);
    }

    await alice.openGroup('Lobby');
    await alice.page.getByRole('status').filter({ hasText: 'everyone online: 3' }).waitFor();
    await alice.send('Hello everyone!');
    await bob.groupButton('Lobby', { unread: 1 }).waitFor();
    await carol.groupButton('Lobby', { unread: 1 }).waitFor();
    await alice.waitForState('Hello everyone!', 'delivered to all 2');

    await bob.openGroup('Lobby');
    await carol.openGroup('Lobby');
    await bob.expectMessage('Hello everyone!', { author: 'alice' });
    await carol.expectMessage('Hello everyone!', { author: 'alice' });
    await bob.groupButton('Lobby', { unread: 0 }).waitFor();

    await bob.send('Hi alice, hi carol.');
    await alice.expectMessage('Hi alice, hi carol.', { author: 'bob' });
    await carol.expectMessage('Hi alice, hi carol.', { author: 'bob' });
    await carol.send('Hello both!');
    await alice.expectMessage('Hello both!', { author: 'carol' });
    await bob.expectMessage('Hello both!', { author: 'carol' });
    const expected = ['Hello everyone!', 'Hi alice, hi carol.', 'Hello both!'];
    for (const person of [alice, bob, carol]) assert.deepEqual(await person.messageTexts(), expected);
  }));
