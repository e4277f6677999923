// Firefox keeps and finds history: Export history in one Firefox profile and Import history in
// another, and Search messages. One server and one Firefox for the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportHistory, importHistory } from './harness/history.js';
import type { Person } from './harness/person.js';
import { useWorld } from './harness/world.js';

const world = useWorld(['firefox']);

/** Registers `first` and `second` and has `first` write `texts` to `second`, who sees the last. */
async function conversation(
  first: string,
  second: string,
  texts: readonly string[],
): Promise<[Person, Person]> {
  const a = await world().register(first);
  const b = await world().register(second);
  await a.waitUntilOnline(second);
  await b.waitUntilOnline(first);
  await a.openChat(second);
  await b.openChat(first);
  for (const text of texts) await a.send(text);
  await b.expectMessage(texts[texts.length - 1]!, { author: first });
  return [a, b];
}

test('Export history in one Firefox profile, Import history in another: a wrong passphrase changes nothing, the right one restores it', async () => {
  const texts = ['the 鑰匙 is under the mat', 'see you at eight'];
  const [fern] = await conversation('fern', 'felix', texts);

  const file = await exportHistory(fern, 'a long passphrase');

  // Fern on another Firefox profile, signed in to the same account: nothing there yet.
  const elsewhere = await world().arrive('fern');
  await elsewhere.login();
  await importHistory(elsewhere, file, 'the wrong one');
  await elsewhere.alert.filter({ hasText: 'Wrong passphrase' }).waitFor();
  assert.deepEqual(await elsewhere.storedTexts(), [], 'a wrong passphrase stores nothing');

  // Fern tries again in a fresh tab. Automation quirk, not Parley's: once Playwright has set the files
  // of an <input type=file> in Firefox 153 over WebDriver BiDi, Firefox never again reports (or opens)
  // a file picker for that same element, so a second Import history in the same tab gets no chooser.
  await elsewhere.closePage();
  await elsewhere.openPage();
  await elsewhere.waitUntilSignedIn();
  await importHistory(elsewhere, file, 'a long passphrase');
  await elsewhere.page.getByRole('status').filter({ hasText: 'Imported 2 messages' }).waitFor();
  await elsewhere.openChat('felix');
  assert.deepEqual(await elsewhere.messageTexts(), texts);
});

test('Search messages in Firefox finds a message by a CJK word and opens its conversation at it', async () => {
  const [, gwen] = await conversation('gus', 'gwen', [
    '大家好, the 会议 moved to Friday',
    'bring the slides',
  ]);
  // Away from the conversation first, so that choosing the result is what opens it.
  await world().register('hal');
  await gwen.openChat('hal');

  await gwen.page.getByRole('searchbox', { name: 'Search messages', exact: true }).fill('会议');
  const results = gwen.page.getByRole('list', { name: 'Search results', exact: true });
  await results.getByRole('button', { name: /会议 moved to Friday/ }).click();
  await gwen.page.getByRole('heading', { name: 'gus', exact: true }).waitFor();
  await gwen
    .message('大家好, the 会议 moved to Friday')
    .and(gwen.page.locator('[aria-current="true"]'))
    .waitFor();
});
