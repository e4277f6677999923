import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

test('two people who register see each other online and chat both ways until delivered', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');

    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    assert.equal(await alice.userButton('alice').count(), 0, 'one does not see oneself online');

    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.send('Hi Bob, how are you?');
    await bob.expectMessage('Hi Bob, how are you?', { author: 'alice' });
    await alice.waitForState('Hi Bob, how are you?', 'delivered');

    await bob.send('Fine, thanks! And you?');
    await alice.expectMessage('Fine, thanks! And you?', { author: 'bob' });
    await bob.waitForState('Fine, thanks! And you?', 'delivered');

    await alice.send('Great.');
    await bob.expectMessage('Great.', { author: 'alice' });
    await alice.waitForState('Great.', 'delivered');
    assert.deepEqual(await bob.messageTexts(), ['Hi Bob, how are you?', 'Fine, thanks! And you?', 'Great.']);
    assert.deepEqual(await alice.messageTexts(), await bob.messageTexts());
  }));

test('a message to a conversation that is not open counts as unread until it is opened', () =>
  inWorld(async (world) => {
    // Names in any script work (the old program's users wrote Chinese).
    const alice = await world.register('alice');
    const kirito = await world.register('桐人');
    await kirito.waitUntilOnline('alice');

    await alice.openChat('桐人');
    await alice.send('Are you there?');
    await kirito.userButton('alice', { unread: 1 }).waitFor();
    await alice.waitForState('Are you there?', 'delivered');

    await alice.send('Hello?');
    await kirito.userButton('alice', { unread: 2 }).waitFor();

    await kirito.openChat('alice');
    await kirito.expectMessage('Are you there?', { author: 'alice' });
    await kirito.expectMessage('Hello?', { author: 'alice' });
    await kirito.userButton('alice', { unread: 0 }).waitFor();
  }));
