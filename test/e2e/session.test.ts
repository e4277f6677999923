import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { ErrorCode } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

test('a reload keeps the session and the conversation history, in order', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.openChat('bob');
    await bob.openChat('alice');
    const conversation = ['one: from alice', 'two: from bob', 'three: from alice', 'four: from bob'];
    for (const [index, text] of conversation.entries()) {
      const [author, reader] = index % 2 === 0 ? [alice, bob] : [bob, alice];
      await author.send(text);
      await reader.expectMessage(text, { author: author.name });
      await author.waitForState(text, 'delivered');
    }

    await alice.reload();
    await alice.waitUntilSignedIn();
    assert.equal(await alice.usernameField.count(), 0, 'no sign-in form after a reload');
    await alice.openChat('bob');
    for (const text of conversation) await alice.message(text).waitFor();
    assert.deepEqual(await alice.messageTexts(), conversation);
    // Bob had the conversation open: the state after a reload is what it was, read.
    assert.equal(await alice.messageState('one: from alice'), 'read');

    // The other side of the reload works too: the new page talks to bob again.
    await alice.send('five: after the reload');
    await bob.expectMessage('five: after the reload', { author: 'alice' });
    await alice.waitForState('five: after the reload', 'delivered');
  }));

test('signing in to the same account elsewhere stops the older tab with an explanation', () =>
  inWorld(async (world) => {
    const first = await world.register('alice');
    const second = await world.arrive('alice');
    await second.login();

    await first.alert.waitFor();
    const explanation = await first.alert.innerText();
    assert.match(explanation, /another (tab|browser|device|window)/i);
    assert.doesNotMatch(explanation, /ERR_/, 'says it in words, not codes');
    assert.equal(await first.logOutButton.count(), 0, 'the older tab no longer acts as signed in');

    // The newer session is the one that works: others see alice online.
    const bob = await world.register('bob');
    await bob.waitUntilOnline('alice');
    await second.waitUntilOnline('bob');
  }));

/** Resumes `token` on a fresh socket: 'welcome' while the session lives, else the error code. */
async function resumeWith(serverUrl: string, token: string): Promise<string> {
  const socket = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/ws`);
  try {
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'resume', version: PROTOCOL_VERSION, token }));
    const [data] = (await once(socket, 'message')) as [Buffer];
    const frame = JSON.parse(data.toString()) as { type: string; code?: string };
    return frame.type === 'error' ? (frame.code ?? 'error') : frame.type;
  } finally {
    socket.close();
  }
}

test('logging out while the server is away revokes the session once it is back', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const { token } = JSON.parse(
      (await alice.page.evaluate(() => localStorage.getItem('parley:session'))) ?? '{}',
    ) as { token: string };
    assert.ok(token, 'the page signed in with a session token');

    await world.server.kill();
    await alice.serverNotice.waitFor();
    await alice.logOutButton.click();
    await alice.usernameField.waitFor();

    await world.server.restart();
    // The sign-out the server never heard of is sent as soon as the page reaches it again.
    await alice.page.waitForFunction(() => localStorage.getItem('parley:pending-logout') === null, null, {
      timeout: 20_000,
    });
    assert.equal(await resumeWith(world.server.url, token), ErrorCode.SessionExpired);
  }));
