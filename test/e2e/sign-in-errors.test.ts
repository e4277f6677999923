import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from './harness/person.js';
import { DEFAULT_PASSWORD } from './harness/person.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

/** The alert's text, after checking it is words for a person rather than a code. */
async function alertText(person: Person): Promise<string> {
  await person.alert.waitFor();
  const text = (await person.alert.innerText()).trim();
  assert.doesNotMatch(text, /ERR_[A-Z_]+/, 'the alert speaks words, not codes');
  assert.ok(text.length >= 10, `the alert says something: ${JSON.stringify(text)}`);
  return text;
}

async function assertFieldsKept(person: Person, username: string, password: string): Promise<void> {
  assert.equal(await person.usernameField.inputValue(), username);
  assert.equal(await person.passwordField.inputValue(), password);
  assert.equal(await person.logOutButton.count(), 0, 'still signed out');
}

test('a wrong password is explained in an alert and the fields keep what was typed', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    await alice.logOutButton.click();
    await alice.usernameField.waitFor();

    await alice.submitSignIn('Log in', 'alice', 'not my password');
    assert.match(await alertText(alice), /wrong|incorrect|invalid/i);
    await assertFieldsKept(alice, 'alice', 'not my password');

    // Correcting the password is all it takes.
    await alice.passwordField.fill(DEFAULT_PASSWORD);
    await alice.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await alice.waitUntilSignedIn();
  }));

test('a taken name is explained in an alert and the fields keep what was typed', () =>
  inWorld(async (world) => {
    await world.register('alice');
    const impostor = await world.arrive('alice');
    await impostor.submitSignIn('Create account', 'alice', 'another password');
    assert.match(await alertText(impostor), /taken|in use|exists/i);
    await assertFieldsKept(impostor, 'alice', 'another password');
  }));

test('an unreachable server is explained in an alert and the fields keep what was typed', () =>
  inWorld(async (world) => {
    const alice = await world.arrive('alice');
    await alice.usernameField.waitFor();
    await world.server.kill();

    await alice.submitSignIn('Log in', 'alice', DEFAULT_PASSWORD);
    assert.match(await alertText(alice), /reach|connect|server|offline/i);
    await assertFieldsKept(alice, 'alice', DEFAULT_PASSWORD);
  }));
