import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Person } from './harness/person.js';
import { useWorlds } from './harness/world.js';
import type { World } from './harness/world.js';

const inWorld = useWorlds();

/**
 * Records every `new Notification(title, { body })` the page makes and still makes the real one:
 * the feature runs as it would for a person; the test only reads what it showed.
 */
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  const shown = [];
  Object.defineProperty(window, '__notifications', { value: shown });
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      shown.push({ title, body: options?.body ?? '' });
    }
  };
})();`;

interface Shown {
  title: string;
  body: string;
}

/** A person whose browser records notifications, granted them (or not) for Parley's origin. */
async function arriveWatched(world: World, name: string, grant: boolean): Promise<Person> {
  const person = await world.arrive(name);
  if (grant)
    await person.context.grantPermissions(['notifications'], { origin: new URL(world.server.url).origin });
  await person.context.addInitScript(RECORD_NOTIFICATIONS);
  await person.reload();
  await person.register();
  return person;
}

function shown(person: Person): Promise<Shown[]> {
  return person.page.evaluate(() => (window as unknown as { __notifications: Shown[] }).__notifications);
}

async function waitForNotifications(person: Person, count: number): Promise<Shown[]> {
  await person.page.waitForFunction(
    (n) => (window as unknown as { __notifications: Shown[] }).__notifications.length >= n,
    count,
  );
  return shown(person);
}

/**
 * Puts the tab in the background as far as the page can tell. Headless Chromium keeps every page
 * visible (minimizing its window or bringing another tab to the front changes nothing), so the
 * document's visibility is overridden and `visibilitychange` fired, as the browser would.
 */
async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    if (hide) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      delete (document as unknown as Record<string, unknown>).visibilityState;
      delete (document as unknown as Record<string, unknown>).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

test('notifications: the author and text when the tab is hidden, none while the chat is in view, none when muted', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await arriveWatched(world, 'bob', true);
    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    const enable = bob.page.getByRole('button', { name: 'Enable notifications' });
    assert.equal(await enable.count(), 0, 'granted already: nothing to enable');

    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.send('You are looking at this.');
    await bob.expectMessage('You are looking at this.', { author: 'alice' });
    // Read means bob's side handled it (stored, decided on a notification, then reported it read).
    await alice.waitForState('You are looking at this.', 'read');
    assert.deepEqual(await shown(bob), [], 'no notification for the open conversation in view');

    await setTabHidden(bob.page, true);
    await alice.send('Are you still there?');
    assert.deepEqual(await waitForNotifications(bob, 1), [{ title: 'alice', body: 'Are you still there?' }]);
    await alice.waitForState('Are you still there?', 'delivered');
    await setTabHidden(bob.page, false);
    await alice.waitForState('Are you still there?', 'read');

    const mute = bob.page.getByRole('button', { name: 'Mute', exact: true });
    await mute.click();
    await bob.page.getByRole('button', { name: 'Mute', exact: true, pressed: true }).waitFor();
    await setTabHidden(bob.page, true);
    await alice.send('Shh, muted.');
    // Delivered: bob stored it, after deciding on a notification.
    await alice.waitForState('Shh, muted.', 'delivered');
    assert.equal((await shown(bob)).length, 1, 'no notification from a muted conversation');
  }));

test('a message in another conversation notifies; read receipts and typing reach the author', () =>
  inWorld(async (world) => {
    const alice = await arriveWatched(world, 'alice', false);
    const bob = await arriveWatched(world, 'bob', true);
    await world.register('carol');
    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    await bob.waitUntilOnline('carol');

    // Not granted: headless Chromium reports 'denied' from the start (never 'default'), so instead
    // of **Enable notifications** the sidebar says they are blocked (the button: component tests).
    await alice.page
      .getByRole('status')
      .filter({ hasText: /notifications are blocked/i })
      .waitFor();
    assert.equal(await alice.page.getByRole('button', { name: 'Enable notifications' }).count(), 0);

    await bob.openChat('carol');
    await alice.openChat('bob');
    await alice.send('Lunch at noon?');
    assert.deepEqual(await waitForNotifications(bob, 1), [{ title: 'alice', body: 'Lunch at noon?' }]);
    await alice.waitForState('Lunch at noon?', 'delivered');

    await bob.openChat('alice');
    await alice.waitForState('Lunch at noon?', 'read');

    await alice.messageBox.pressSequentially('Sounds');
    await bob.page.getByText('alice is typing…', { exact: true }).waitFor();
    await alice.messageBox.press('Enter');
    await bob.expectMessage('Sounds', { author: 'alice' });
    await bob.page.getByText('alice is typing…', { exact: true }).waitFor({ state: 'hidden' });
    assert.equal((await shown(alice)).length, 0);
  }));
