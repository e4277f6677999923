import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import type { Person } from './harness/person.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

/** The reaction button `👍 2` under the message `text`, by its accessible name. */
function reaction(person: Person, text: string, emoji: string, count: number): Locator {
  return person.message(text).getByRole('button', { name: `${emoji} ${count}, react`, exact: true });
}

/** Waits until the message shows exactly this reaction, pressed or not (this person's own among them). */
async function expectReaction(
  person: Person,
  text: string,
  emoji: string,
  count: number,
  mine: boolean,
): Promise<void> {
  const button = reaction(person, text, emoji, count);
  await button.and(person.page.locator(`[aria-pressed="${mine}"]`)).waitFor();
}

/** Chooses `emoji` from the message's **Add reaction** menu, as a person would. */
async function addReaction(person: Person, text: string, emoji: string): Promise<void> {
  await person.message(text).getByRole('button', { name: 'Add reaction', exact: true }).click();
  const menu = person.page.getByRole('menu', { name: 'Add reaction', exact: true });
  await menu.getByRole('menuitem', { name: emoji, exact: true }).click();
  await menu.waitFor({ state: 'detached' });
}

test('a reaction shows with its count on both sides and is taken back by clicking it again', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.send('Lunch at noon?');
    await bob.expectMessage('Lunch at noon?', { author: 'alice' });

    await addReaction(bob, 'Lunch at noon?', '👍');
    await expectReaction(bob, 'Lunch at noon?', '👍', 1, true);
    await expectReaction(alice, 'Lunch at noon?', '👍', 1, false);

    await reaction(alice, 'Lunch at noon?', '👍', 1).click();
    await expectReaction(alice, 'Lunch at noon?', '👍', 2, true);
    await expectReaction(bob, 'Lunch at noon?', '👍', 2, true);

    // From the keyboard: Add reaction, the second emoji of the menu, Enter.
    await alice.message('Lunch at noon?').getByRole('button', { name: 'Add reaction', exact: true }).focus();
    await alice.page.keyboard.press('Enter');
    await alice.page.keyboard.press('ArrowRight');
    await alice.page.keyboard.press('Enter');
    await expectReaction(bob, 'Lunch at noon?', '❤️', 1, false);

    await reaction(bob, 'Lunch at noon?', '👍', 2).click();
    await expectReaction(bob, 'Lunch at noon?', '👍', 1, false);
    await expectReaction(alice, 'Lunch at noon?', '👍', 1, true);

    // Reactions are not messages: the log still holds the one message.
    assert.equal(await alice.messageLog.getByRole('article').count(), 1);
    assert.equal(await bob.messageLog.getByRole('article').count(), 1);
  }));

test('a message of only emoji shows large, and reactions survive a reload', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.waitUntilOnline('bob');
    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.send('🎉🎉');
    await alice.send('party 🎉');
    await bob.expectMessage('party 🎉', { author: 'alice' });

    const fontSize = (person: Person, text: string) =>
      person.page
        .getByText(text, { exact: true })
        .evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    assert.ok((await fontSize(bob, '🎉🎉')) > 1.5 * (await fontSize(bob, 'party 🎉')));

    await addReaction(bob, '🎉🎉', '😂');
    await expectReaction(alice, '🎉🎉', '😂', 1, false);
    await bob.reload();
    await bob.openChat('alice');
    await expectReaction(bob, '🎉🎉', '😂', 1, true);
    assert.equal(await bob.messageLog.getByRole('article').count(), 2);
  }));
