import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from './harness/person.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

async function chat(alice: Person, bob: Person): Promise<void> {
  await alice.waitUntilOnline('bob');
  await bob.waitUntilOnline('alice');
  await alice.openChat('bob');
  await bob.openChat('alice');
  await alice.send('the 鑰匙 is under the mat');
  await alice.send('see you at eight');
  await bob.expectMessage('see you at eight', { author: 'alice' });
}

test('Search messages finds a message by a CJK word and opens its conversation at it', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await chat(alice, bob);
    await bob.page.getByRole('searchbox', { name: 'Search messages', exact: true }).fill('鑰匙');
    const results = bob.page.getByRole('list', { name: 'Search results', exact: true });
    await results.getByRole('button', { name: /鑰匙 is under the mat/ }).click();
    await bob.message('the 鑰匙 is under the mat').and(bob.page.locator('[aria-current="true"]')).waitFor();
  }));

test('Export history in one browser, Import history in another: a wrong passphrase changes nothing, the right one restores it', () =>
  inWorld(async (world) => {
    const alice = await world.register('alice');
    const bob = await world.register('bob');
    await chat(alice, bob);

    await alice.page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
    const [download] = await Promise.all([
      alice.page.waitForEvent('download'),
      alice.page.getByRole('button', { name: 'Export history', exact: true }).click(),
    ]);
    const file = await download.path();
    assert.ok(file, 'the export was saved');

    // Alice on another browser: a profile of its own, signed in to the same account.
    const elsewhere = await world.arrive('alice');
    await elsewhere.login();
    const importFile = async (passphrase: string): Promise<void> => {
      await elsewhere.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
      const [chooser] = await Promise.all([
        elsewhere.page.waitForEvent('filechooser'),
        elsewhere.page.getByRole('button', { name: 'Import history', exact: true }).click(),
      ]);
      await chooser.setFiles(file);
    };
    await importFile('the wrong one');
    await elsewhere.alert.filter({ hasText: 'Wrong passphrase' }).waitFor();

    await importFile('a long passphrase');
    await elsewhere.page.getByRole('status').filter({ hasText: 'Imported 2 messages' }).waitFor();
    await elsewhere.openChat('bob');
    assert.deepEqual(await elsewhere.messageTexts(), ['the 鑰匙 is under the mat', 'see you at eight']);
  }));
