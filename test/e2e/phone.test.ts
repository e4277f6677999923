import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

/** An iPhone 12–15's viewport in CSS pixels. */
const PHONE = { width: 390, height: 844 };
/** The smallest comfortable touch target (WCAG 2.5.5, Apple's HIG). */
const TOUCH_TARGET_PX = 44;

async function assertTouchTarget(control: Locator, name: string): Promise<void> {
  const box = await control.boundingBox();
  assert.ok(box, `${name} is not on screen`);
  assert.ok(box.width >= TOUCH_TARGET_PX, `${name} is ${box.width} px wide`);
  assert.ok(box.height >= TOUCH_TARGET_PX, `${name} is ${box.height} px high`);
}

test('on a phone, the lists and the open conversation take turns, Back returns to the lists, and chat works', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await alice.page.setViewportSize(PHONE);
    const page = alice.page;
    const online = page.getByRole('list', { name: 'Online users', exact: true });
    const back = page.getByRole('button', { name: 'Back', exact: true });

    await alice.waitUntilOnline('bob');
    await assertTouchTarget(alice.userButton('bob'), 'bob in Online users');
    await assertTouchTarget(alice.logOutButton, 'Log out');
    await assertTouchTarget(page.getByRole('button', { name: 'New group', exact: true }), 'New group');

    await alice.openChat('bob');
    assert.equal(await online.isVisible(), false, 'the lists give way to the conversation');
    assert.ok(await alice.messageLog.isVisible());
    for (const name of ['Back', 'Send', 'Attach file', 'Emoji']) {
      await assertTouchTarget(page.getByRole('button', { name, exact: true }), name);
    }
    // The composer is on screen, not pushed below it.
    const composer = await alice.messageBox.boundingBox();
    assert.ok(composer && composer.y + composer.height <= PHONE.height, 'Message is inside the viewport');

    await bob.openChat('alice');
    await alice.send('Hello from my phone');
    await bob.expectMessage('Hello from my phone', { author: 'alice' });
    await bob.send('Hello, phone');
    await alice.expectMessage('Hello, phone', { author: 'bob' });

    await back.click();
    await online.waitFor();
    assert.equal(await alice.messageLog.count(), 0, 'Back closed the conversation');
    // Closed, not hidden: what bob says now is unread.
    await bob.send('Are you still there?');
    await alice.userButton('bob', { unread: 1 }).waitFor();

    // On a desktop the two sit side by side, and there is no Back.
    await page.setViewportSize({ width: 1200, height: 800 });
    await alice.openChat('bob');
    assert.ok(await online.isVisible(), 'the lists stay beside the conversation');
    assert.equal(await back.count(), 0, 'no Back on a desktop');
  }));
