// Firefox as a person's browser: chat and files with someone on Chromium (real WebRTC between two
// engines) and with someone else on Firefox. One server and one browser of each kind for the file.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import type { Person } from './harness/person.js';
import { useWorld } from './harness/world.js';

const world = useWorld(['firefox', 'chromium']);

/** Sends `text` from `from` and waits until `to` has it and `from` shows it delivered. */
async function say(from: Person, to: Person, text: string): Promise<void> {
  await from.send(text);
  await to.expectMessage(text, { author: from.name });
  await from.waitForState(text, 'delivered');
}

async function inConversation(first: Person, second: Person): Promise<void> {
  await first.waitUntilOnline(second.name);
  await second.waitUntilOnline(first.name);
  await first.openChat(second.name);
  await second.openChat(first.name);
}

test('Firefox and Chromium chat both ways over a direct connection until delivered and read', async () => {
  const fiona = await world().register('fiona', { browser: 'firefox' });
  const chris = await world().register('chris', { browser: 'chromium' });
  await inConversation(fiona, chris);
  await fiona.directConnection.waitFor();
  await chris.directConnection.waitFor();

  await say(fiona, chris, 'Hello from Firefox 🦊');
  await say(chris, fiona, '你好 from Chromium');
  await say(fiona, chris, 'Both engines, one chat.');
  // Both have the conversation open, so each message is read at once.
  await fiona.waitForState('Both engines, one chat.', 'read');
  await chris.waitForState('你好 from Chromium', 'read');
  const expected = ['Hello from Firefox 🦊', '你好 from Chromium', 'Both engines, one chat.'];
  assert.deepEqual(await fiona.messageTexts(), expected);
  assert.deepEqual(await chris.messageTexts(), expected);
});

test('two people on Firefox chat both ways until delivered', async () => {
  const fay = await world().register('fay', { browser: 'firefox' });
  const finn = await world().register('finn', { browser: 'firefox' });
  await inConversation(fay, finn);
  await say(fay, finn, 'Firefox to Firefox');
  await say(finn, fay, 'and back');
  assert.deepEqual(await finn.messageTexts(), ['Firefox to Firefox', 'and back']);
});

test('on Firefox, Reply, Edit and Delete for everyone reach someone on Chromium, and back', async () => {
  const fern = await world().register('fern', { browser: 'firefox' });
  const cole = await world().register('cole', { browser: 'chromium' });
  await inConversation(fern, cole);
  await say(cole, fern, 'lunch at noon?');

  // Fern answers it: the reply shows, on Chromium, the message it answers.
  await fern.message('lunch at noon?').getByRole('button', { name: 'Reply', exact: true }).click();
  await fern.page.getByRole('button', { name: 'Cancel reply', exact: true }).waitFor();
  await say(fern, cole, 'yes, the usual place');
  await cole
    .message('yes, the usual place')
    .getByRole('button', { name: /lunch at noon\?/ })
    .waitFor();

  // Fern corrects her answer: Chromium shows the new text, marked edited.
  await fern.message('yes, the usual place').getByRole('button', { name: 'Edit', exact: true }).click();
  await fern.messageBox.fill('yes, the new place');
  await fern.messageBox.press('Enter');
  await cole.message('yes, the new place').getByText('edited', { exact: true }).waitFor();
  await cole.message('yes, the usual place').waitFor({ state: 'detached' });

  // Cole takes his question back: Firefox shows it deleted, its text gone.
  await cole
    .message('lunch at noon?')
    .getByRole('button', { name: 'Delete for everyone', exact: true })
    .click();
  // It asks first: it reaches everyone and cannot be undone.
  await cole.page
    .getByRole('dialog', { name: 'Delete for everyone?' })
    .getByRole('button', { name: 'Delete for everyone', exact: true })
    .click();
  await fern.messageLog.getByText('message deleted', { exact: true }).first().waitFor();
  await fern.message('lunch at noon?').waitFor({ state: 'detached' });
});

// ── files ───────────────────────────────────────────────────────────────────────────────────────

const MIB = 1024 * 1024;
/** A few MiB between two engines on a busy 2-core machine. */
const TRANSFER_TIMEOUT_MS = 30_000;

interface PickedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

function randomFile(stem: string, size: number): PickedFile {
  return {
    name: `${stem}-${randomBytes(3).toString('hex')}.bin`,
    mimeType: 'application/octet-stream',
    buffer: randomBytes(size),
  };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function card(person: Person, file: PickedFile): Locator {
  return person.messageLog.getByRole('article').filter({ hasText: file.name });
}

/** **Attach file** and picks `file` in the chooser. */
async function attach(person: Person, file: PickedFile): Promise<void> {
  const [chooser] = await Promise.all([
    person.page.waitForEvent('filechooser'),
    person.page.getByRole('button', { name: 'Attach file', exact: true }).click(),
  ]);
  await chooser.setFiles(file);
}

/**
 * `from` attaches `file`; `to` receives it — with `ask`, by pressing **Download** first: a file from
 * someone one has not written to is offered, not fetched — saves it, and has what `from` sent.
 */
async function sendFile(from: Person, to: Person, file: PickedFile, ask: boolean): Promise<void> {
  await attach(from, file);
  if (ask) await card(to, file).getByRole('button', { name: 'Download', exact: true }).click();
  const save = card(to, file).getByRole('button', { name: 'Save', exact: true });
  await save.waitFor({ timeout: TRANSFER_TIMEOUT_MS });
  const [download] = await Promise.all([to.page.waitForEvent('download'), save.click()]);
  assert.equal(download.suggestedFilename(), file.name);
  const saved = await readFile(await download.path());
  assert.equal(sha256(saved), sha256(file.buffer), `${to.name} saved what ${from.name} sent`);
}

test('a file goes from Firefox to Chromium and back, and each side saves an identical copy', async () => {
  const faith = await world().register('faith', { browser: 'firefox' });
  const carl = await world().register('carl', { browser: 'chromium' });
  await inConversation(faith, carl);

  await sendFile(faith, carl, randomFile('from-firefox', 3 * MIB), true);
  // Faith wrote to Carl (her file), so his file comes to her without asking.
  await sendFile(carl, faith, randomFile('from-chromium', 3 * MIB), false);
});
