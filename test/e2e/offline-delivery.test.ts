import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

test('a message to someone who closed their page waits as sending and is delivered when they are back', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.openChat('bob');
    await alice.send('first, while bob is here');
    await alice.waitForState('first, while bob is here', 'delivered');

    await bob.closePage();
    await alice.userButton('bob').waitFor({ state: 'detached' });
    await alice.send('second, while bob is away');
    assert.equal(await alice.messageState('second, while bob is away'), 'sending');

    // Bob comes back in the same browser: his remembered session signs him in again.
    await bob.openPage();
    await bob.waitUntilSignedIn();
    await alice.waitForState('second, while bob is away', 'delivered');
    await bob.openChat('alice');
    await bob.expectMessage('first, while bob is here', { author: 'alice' });
    await bob.expectMessage('second, while bob is away', { author: 'alice' });
    assert.deepEqual(await bob.messageTexts(), ['first, while bob is here', 'second, while bob is away']);
  }));

test('a waiting message survives a reload of the sender and is delivered when the recipient logs in again', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.openChat('bob');
    await bob.close();
    await alice.userButton('bob').waitFor({ state: 'detached' });

    await alice.send('sent while bob was gone');
    assert.equal(await alice.messageState('sent while bob was gone'), 'sending');

    await alice.reload();
    await alice.waitUntilSignedIn();
    // Bob is offline: he is listed among the people alice has talked to.
    await alice.openChat('bob', { list: 'Contacts' });
    await alice.message('sent while bob was gone').waitFor();
    assert.equal(await alice.messageState('sent while bob was gone'), 'sending');

    // Bob logs in from a fresh browser: nothing of the conversation is stored there yet.
    const bobAgain = await world.arrive('bob');
    await bobAgain.login();
    await alice.waitForState('sent while bob was gone', 'delivered');
    await bobAgain.userButton('alice', { unread: 1 }).waitFor();
    await bobAgain.openChat('alice');
    await bobAgain.expectMessage('sent while bob was gone', { author: 'alice' });
  }));
