import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from './harness/person.js';
import { useWorlds } from './harness/world.js';
import type { World } from './harness/world.js';

const inWorld = useWorlds();

/** What a person's browser tried to fetch from elsewhere than Parley's server, and what the CSP refused. */
interface Isolation {
  readonly blocked: string[];
  readonly refused: string[];
}

/**
 * A person on a network with no internet: every request to another origin than Parley's server is
 * aborted (and noted), from the first page load on. Notes Content-Security-Policy refusals too.
 */
async function arriveWithoutInternet(world: World, name: string): Promise<{ person: Person } & Isolation> {
  const origin = new URL(world.server.url).origin;
  const person = await world.arrive(name);
  const isolation: Isolation = { blocked: [], refused: [] };
  await person.context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    isolation.blocked.push(url);
    return route.abort('internetdisconnected');
  });
  person.page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) isolation.refused.push(message.text());
  });
  // Loaded again so that the app itself, not only what it fetches later, comes through the filter.
  await person.reload();
  await person.register();
  return { person, ...isolation };
}

test('the emoji picker works with only Parley’s server reachable, and the chosen emoji goes in at the caret and arrives', () =>
  inWorld(async (world) => {
    const { person: alice, blocked, refused } = await arriveWithoutInternet(world, 'alice');
    const bob = await world.register('bob');
    await alice.openChat('bob');
    await bob.openChat('alice');

    await alice.messageBox.fill('Lift off now');
    await alice.messageBox.evaluate((box: HTMLTextAreaElement) => box.setSelectionRange(9, 9));
    await alice.page.getByRole('button', { name: 'Emoji', exact: true }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Emoji', exact: true });
    await picker.getByRole('combobox', { name: 'Search' }).fill('rocket');
    await picker.getByRole('option', { name: /^🚀, rocket\b/ }).click();
    await picker.waitFor({ state: 'hidden' });

    assert.equal(await alice.messageBox.inputValue(), 'Lift off 🚀now');
    assert.equal(
      await alice.messageBox.evaluate((box) => box.matches(':focus')),
      true,
      'focus is back in Message',
    );
    await alice.page.keyboard.type(' ');
    await alice.page.keyboard.press('Enter');
    await bob.expectMessage('Lift off 🚀 now', { author: 'alice' });

    // Shortcodes complete from the same local data.
    await alice.messageBox.pressSequentially('party :tad');
    const suggestions = alice.page.getByRole('listbox', { name: 'Emoji suggestions', exact: true });
    await suggestions.getByRole('option', { name: ':tada:', exact: true }).waitFor();
    await alice.messageBox.press('Tab');
    await suggestions.waitFor({ state: 'hidden' });
    await alice.messageBox.press('Enter');
    await bob.expectMessage('party 🎉', { author: 'alice' });

    assert.deepEqual(blocked, [], 'nothing was fetched from outside Parley’s server');
    assert.deepEqual(refused, [], 'the Content-Security-Policy refused nothing');
  }));
