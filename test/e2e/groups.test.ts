import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from './harness/person.js';
import type { World } from './harness/world.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

/** Registers everyone named, in order, and waits until each sees all the others online. */
async function everyoneOnline(world: World, ...names: string[]): Promise<Person[]> {
  const people: Person[] = [];
  for (const name of names) people.push(await world.register(name));
  for (const person of people) {
    for (const other of people) if (other !== person) await person.waitUntilOnline(other.name);
  }
  return people;
}

test('a group created with two others shows up for all three, and each one’s messages reach the other two with their name', () =>
  inWorld(async (world) => {
    const [alice, bob, carol] = await everyoneOnline(world, 'alice', 'bob', 'carol');

    await alice.createGroup('Weekend trip', ['bob', 'carol']);
    // Nobody is put into a group: each one invited accepts.
    for (const member of [bob, carol]) await member.acceptInvitation('Weekend trip');
    await alice.waitForMembers(['alice', 'bob', 'carol']);
    for (const member of [bob, carol]) {
      await member.groupButton('Weekend trip').waitFor();
      await member.openGroup('Weekend trip');
      await member.waitForMembers(['alice', 'bob', 'carol']);
    }
    // The Lobby stays first in the list, before the group.
    const groupNames = await alice.page
      .getByRole('list', { name: 'Groups', exact: true })
      .getByRole('button')
      .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')));
    assert.deepEqual(groupNames, ['Lobby', 'Weekend trip']);

    const lines: Array<[Person, string]> = [
      [alice, 'Shall we go hiking on Saturday?'],
      [bob, 'Yes! I know a trail by the lake.'],
      [carol, 'Count me in, I will bring sandwiches.'],
    ];
    for (const [author, text] of lines) {
      await author.send(text);
      for (const reader of [alice, bob, carol]) {
        if (reader !== author) await reader.expectMessage(text, { author: author.name });
      }
      await author.waitForState(text, 'delivered to all 2');
    }
    const texts = lines.map(([, text]) => text);
    for (const person of [alice, bob, carol]) assert.deepEqual(await person.messageTexts(), texts);
  }));

test('a member who was away catches up from whoever is online, even when the author has left', () =>
  inWorld(async (world) => {
    const [alice, bob, carol] = await everyoneOnline(world, 'alice', 'bob', 'carol');
    await alice.createGroup('Night shift', ['bob', 'carol']);
    for (const member of [bob, carol]) await member.acceptInvitation('Night shift');
    await alice.waitForMembers(['alice', 'bob', 'carol']);
    await bob.openGroup('Night shift');
    await carol.groupButton('Night shift').waitFor();

    await carol.closePage();
    await alice.userButton('carol').waitFor({ state: 'detached' });
    await bob.userButton('carol').waitFor({ state: 'detached' });

    const missed = ['The alarm on floor 2 is fixed.', 'Keys are in the usual drawer.'];
    for (const text of missed) {
      await alice.send(text);
      await bob.expectMessage(text, { author: 'alice' });
      // Bob has it; carol, away, does not.
      await alice.waitForState(text, 'delivered to 1 of 2');
    }

    await alice.closePage();
    await bob.userButton('alice').waitFor({ state: 'detached' });

    // Carol comes back in the same browser: her remembered session signs her in again.
    await carol.openPage();
    await carol.waitUntilSignedIn();
    await carol.waitUntilOnline('bob');
    assert.equal(await carol.userButton('alice').count(), 0, 'alice is not online: only bob can tell carol');
    await carol.groupButton('Night shift', { unread: 2 }).waitFor();
    await carol.openGroup('Night shift');
    for (const text of missed) await carol.expectMessage(text, { author: 'alice' });
    assert.deepEqual(await carol.messageTexts(), missed);
  }));

test('a member who leaves loses the group from her list and gets none of its later messages, while the others chat on', () =>
  inWorld(async (world) => {
    const [alice, bob, carol] = await everyoneOnline(world, 'alice', 'bob', 'carol');
    await alice.createGroup('Band practice', ['bob', 'carol']);
    for (const member of [bob, carol]) await member.acceptInvitation('Band practice');
    await alice.waitForMembers(['alice', 'bob', 'carol']);
    await bob.openGroup('Band practice');
    await carol.openGroup('Band practice');
    await alice.send('Practice moves to Thursday.');
    await carol.expectMessage('Practice moves to Thursday.', { author: 'alice' });
    await bob.expectMessage('Practice moves to Thursday.', { author: 'alice' });

    await carol.leaveGroup('Band practice');
    await carol.page
      .getByRole('heading', { name: 'Band practice', exact: true })
      .waitFor({ state: 'detached' });
    await alice.waitForMembers(['alice', 'bob']);
    await bob.waitForMembers(['alice', 'bob']);

    // Carol stays online, in the Lobby.
    await carol.openGroup('Lobby');
    const secret = 'Carol is gone: new setlist without her songs.';
    await alice.send(secret);
    await bob.expectMessage(secret, { author: 'alice' });
    await alice.waitForState(secret, 'delivered to all 1');
    await bob.send('Fine by me.');
    await alice.expectMessage('Fine by me.', { author: 'bob' });
    await bob.waitForState('Fine by me.', 'delivered to all 1');

    // A Lobby message alice and bob send afterwards reaches carol: anything of the group they had
    // sent her would have come first, over the same connections.
    await alice.openGroup('Lobby');
    await alice.send('See you all at the concert!');
    await bob.openGroup('Lobby');
    await bob.send('Me too!');
    await carol.expectMessage('See you all at the concert!', { author: 'alice' });
    await carol.expectMessage('Me too!', { author: 'bob' });

    assert.equal(await carol.groupButton('Band practice').count(), 0, 'the group did not come back');
    const stored = await carol.storedTexts();
    assert.ok(stored.includes('Practice moves to Thursday.'), 'what she saw as a member stays with her');
    assert.ok(!stored.includes(secret), 'a message after she left did not reach her');
    assert.ok(!stored.includes('Fine by me.'), 'a message after she left did not reach her');
  }));

test('someone added with Add members sees the group and its later messages, but not what was said before', () =>
  inWorld(async (world) => {
    const [alice, bob, carol] = await everyoneOnline(world, 'alice', 'bob', 'carol');
    await alice.createGroup('Book club', ['bob']);
    await bob.acceptInvitation('Book club');
    await alice.waitForMembers(['alice', 'bob']);
    await bob.openGroup('Book club');
    await alice.send('Before carol joins: the ending was weak.');
    await bob.expectMessage('Before carol joins: the ending was weak.', { author: 'alice' });
    assert.equal(await carol.groupButton('Book club').count(), 0, 'carol is not in it yet');

    await alice.addMembers(['carol']);
    await carol.acceptInvitation('Book club');
    await alice.waitForMembers(['alice', 'bob', 'carol']);
    await carol.openGroup('Book club');
    await carol.waitForMembers(['alice', 'bob', 'carol']);
    await bob.waitForMembers(['alice', 'bob', 'carol']);

    await bob.send('Welcome, carol!');
    await carol.expectMessage('Welcome, carol!', { author: 'bob' });
    await alice.expectMessage('Welcome, carol!', { author: 'bob' });
    await bob.waitForState('Welcome, carol!', 'delivered to all 2');
    await alice.send('Next book: Dune.');
    await carol.expectMessage('Next book: Dune.', { author: 'alice' });
    await alice.waitForState('Next book: Dune.', 'delivered to all 2');
    await carol.send('Great choice.');
    await alice.expectMessage('Great choice.', { author: 'carol' });
    await bob.expectMessage('Great choice.', { author: 'carol' });

    assert.deepEqual(await carol.messageTexts(), ['Welcome, carol!', 'Next book: Dune.', 'Great choice.']);
  }));
