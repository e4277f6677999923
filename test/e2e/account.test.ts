import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import type { Person } from './harness/person.js';
import { DEFAULT_PASSWORD } from './harness/person.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

const NEW_PASSWORD = 'a brand new passphrase';

/** Opens **Account** and returns its dialog. */
async function openAccount(person: Person): Promise<Locator> {
  await person.page.getByRole('button', { name: 'Account', exact: true }).click();
  const dialog = person.page.getByRole('dialog', { name: 'Account', exact: true });
  await dialog.waitFor();
  return dialog;
}

/** Fills the three fields of **Change password** and presses it. */
async function changePassword(dialog: Locator, current: string, next: string): Promise<void> {
  await dialog.getByLabel('Current password', { exact: true }).fill(current);
  await dialog.getByLabel('New password', { exact: true }).fill(next);
  await dialog.getByLabel('Confirm new password', { exact: true }).fill(next);
  await dialog.getByRole('button', { name: 'Change password', exact: true }).click();
}

test('a password change keeps this session, ends the others; then only the new password logs in', () =>
  inWorld(async (world) => {
    const elsewhere = await world.register('alice');
    const alice = await world.arrive('alice');
    await alice.login();
    await elsewhere.alert.waitFor();
    const dialog = await openAccount(alice);

    await changePassword(dialog, 'not my password', NEW_PASSWORD);
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /not your current password/i);
    assert.equal(
      await dialog.getByLabel('Current password', { exact: true }).inputValue(),
      'not my password',
    );

    await changePassword(dialog, DEFAULT_PASSWORD, NEW_PASSWORD);
    const status = dialog.getByRole('status');
    await status.waitFor();
    assert.match(await status.innerText(), /password has changed/i);
    assert.equal(await dialog.getByRole('alert').count(), 0, 'the old error is gone');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await alice.waitUntilSignedIn();
    // The session of the other browser ended with the change.
    await elsewhere.page.getByRole('button', { name: 'Use Parley in this tab', exact: true }).click();
    await elsewhere.alert.filter({ hasText: /password changed/i }).waitFor();
    await elsewhere.usernameField.waitFor();

    await alice.logOutButton.click();
    await alice.usernameField.waitFor();
    await alice.submitSignIn('Log in', 'alice', DEFAULT_PASSWORD);
    await alice.alert.waitFor();
    assert.match(await alice.alert.innerText(), /wrong username or password/i);
    await alice.login('alice', NEW_PASSWORD);
  }));

test('signing out everywhere ends this page and the same account on another browser', () =>
  inWorld(async (world) => {
    const first = await world.register('alice');
    const second = await world.arrive('alice');
    await second.login();
    // One connection per account: the older browser stopped (session.test.ts) but keeps its session.
    await first.alert.waitFor();

    const dialog = await openAccount(second);
    await dialog.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
    await dialog.getByRole('button', { name: 'Yes, sign out everywhere', exact: true }).click();
    await second.usernameField.waitFor();
    const notice = second.page.getByRole('status').filter({ hasText: /signed out everywhere/i });
    await notice.waitFor();
    assert.equal(await second.logOutButton.count(), 0);

    // The other browser's session is gone too: taking the tab back leads to the sign-in screen, saying why.
    await first.page.getByRole('button', { name: 'Use Parley in this tab', exact: true }).click();
    await first.usernameField.waitFor();
    await first.alert.filter({ hasText: /signed out everywhere/i }).waitFor();
    assert.equal(await first.logOutButton.count(), 0);
    // A reload does not bring it back either.
    await first.reload();
    await first.usernameField.waitFor();
    assert.equal(await first.logOutButton.count(), 0);
  }));
