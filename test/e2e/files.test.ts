import assert from 'node:assert/strict';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { Person } from './harness/person.js';
import type { World } from './harness/world.js';
import { useWorlds } from './harness/world.js';

const inWorld = useWorlds();

const MB = 1000 * 1000;
/** A whole transfer (or its resumption) on a 2-core machine shared with other work. */
const TRANSFER_TIMEOUT_MS = 90_000;

/** A file of random bytes on disk, as a person would pick it in the file chooser. */
interface RandomFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

/**
 * Writes `size` random bytes to a fresh directory under the system's temporary one, hashing as it
 * writes; the name gets a random part so no two files of a run look alike in a log.
 */
async function writeRandomFile(dir: string, stem: string, size: number): Promise<RandomFile> {
  const name = `${stem}-${randomBytes(4).toString('hex')}.bin`;
  const path = join(dir, name);
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    const block = Buffer.alloc(MB);
    for (let written = 0; written < size; written += block.length) {
      const part = block.subarray(0, Math.min(block.length, size - written));
      randomFillSync(part);
      hash.update(part);
      await handle.write(part);
    }
  } finally {
    await handle.close();
  }
  return { path, name, size, sha256: hash.digest('hex') };
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `body` with a temporary directory for its files, removed afterwards whatever happened. */
async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-e2e-files-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Registers everyone named, in order, and waits until each sees all the others online. */
async function everyoneOnline(world: World, ...names: string[]): Promise<Person[]> {
  const people: Person[] = [];
  for (const name of names) people.push(await world.register(name));
  for (const person of people) {
    for (const other of people) if (other !== person) await person.waitUntilOnline(other.name);
  }
  return people;
}

// ── the file card, as a person finds it ─────────────────────────────────────────────────────────

/** The message in the open conversation that holds file `name`. */
function fileCard(person: Person, name: string): Locator {
  return person.messageLog.getByRole('article').filter({ hasText: name });
}

function progressbar(person: Person, name: string): Locator {
  return person.page.getByRole('progressbar', { name, exact: true });
}

function control(card: Locator, name: string): Locator {
  return card.getByRole('button', { name, exact: true }).or(card.getByRole('link', { name, exact: true }));
}

/** **Attach file**, then picks `file` in the browser's file chooser. */
async function attach(person: Person, file: RandomFile): Promise<void> {
  const [chooser] = await Promise.all([
    person.page.waitForEvent('filechooser'),
    person.page.getByRole('button', { name: 'Attach file', exact: true }).click(),
  ]);
  await chooser.setFiles(file.path);
  await fileCard(person, file.name).waitFor();
}

/**
 * Presses **Download** on the card of `file`, once it shows: a file above the size fetched without
 * asking (16 MiB) waits for the receiver to ask for it.
 */
async function download(person: Person, file: RandomFile): Promise<void> {
  await control(fileCard(person, file.name), 'Download').click({ timeout: TRANSFER_TIMEOUT_MS });
}

/** Waits for **Save** on the card of `file`, saves it and returns the SHA-256 of what was downloaded. */
async function saveAndHash(person: Person, file: RandomFile): Promise<string> {
  const save = control(fileCard(person, file.name), 'Save');
  await save.waitFor({ timeout: TRANSFER_TIMEOUT_MS });
  const [download] = await Promise.all([person.page.waitForEvent('download'), save.click()]);
  assert.equal(download.suggestedFilename(), file.name, `${person.name} saves it under its name`);
  const path = await download.path();
  return sha256Of(path);
}

/** Waits until the sender's card shows `file` complete: no progress left, nothing to cancel. */
async function waitUntilSent(person: Person, file: RandomFile): Promise<void> {
  const card = fileCard(person, file.name);
  await progressbar(person, file.name).waitFor({ state: 'detached', timeout: TRANSFER_TIMEOUT_MS });
  await control(card, 'Cancel').waitFor({ state: 'detached', timeout: TRANSFER_TIMEOUT_MS });
  await card.waitFor();
}

/**
 * Resolves with the progressbar's value once `page` shows a progressbar named `name` whose value is
 * above `above`. A moving file is a state that may last only a second: Playwright's locators poll
 * every 500 ms after the first few tries and could miss it, so this looks on every animation frame,
 * in the page. It looks for what `getByRole('progressbar', { name })` finds in a file card (a role
 * or `<progress>`, named by `aria-labelledby`, `aria-label` or a `<label>`), through shadow roots.
 */
async function progressSeen(page: Page, name: string, above: number): Promise<number> {
  const handle = await page.waitForFunction(
    ({ name, above }) => {
      const roots: Array<Document | ShadowRoot> = [document];
      for (let i = 0; i < roots.length; i++) {
        for (const element of roots[i]!.querySelectorAll('*')) {
          if (element.shadowRoot) roots.push(element.shadowRoot);
        }
      }
      const nameOf = (element: Element): string => {
        const root = element.getRootNode() as Document | ShadowRoot;
        const labelledBy = element.getAttribute('aria-labelledby');
        if (labelledBy) {
          return labelledBy
            .split(/\s+/)
            .map((id) => root.getElementById(id)?.textContent ?? '')
            .join(' ');
        }
        const label = element.getAttribute('aria-label');
        if (label) return label;
        const labels = element instanceof HTMLProgressElement ? [...(element.labels ?? [])] : [];
        return labels.map((each) => each.textContent ?? '').join(' ');
      };
      for (const root of roots) {
        for (const bar of root.querySelectorAll('[role="progressbar"], progress:not([role])')) {
          if (nameOf(bar).replace(/\s+/g, ' ').trim() !== name) continue;
          const value =
            bar instanceof HTMLProgressElement ? bar.value : Number(bar.getAttribute('aria-valuenow') ?? 0);
          if (value > above) return value;
        }
      }
      return false;
    },
    { name, above },
    { polling: 'raf', timeout: TRANSFER_TIMEOUT_MS },
  );
  return (await handle.jsonValue()) as number;
}

// ── tests ───────────────────────────────────────────────────────────────────────────────────────

test('a 20 MB file goes from alice to bob with progress on both sides, and bob saves an identical copy', () =>
  withTempDir((dir) =>
    inWorld(async (world) => {
      const [alice, bob] = await everyoneOnline(world, 'alice', 'bob');
      await alice.openChat('bob');
      await bob.openChat('alice');
      const file = await writeRandomFile(dir, 'holiday-video', 20 * MB);

      // Watched from before the send: the file may take only a second to move.
      await Promise.all([
        progressSeen(alice.page, file.name, -1),
        progressSeen(bob.page, file.name, -1),
        attach(alice, file).then(() => download(bob, file)),
      ]);

      assert.equal(await saveAndHash(bob, file), file.sha256, 'bob saved exactly what alice chose');
      const bobsCard = fileCard(bob, file.name);
      assert.equal(await progressbar(bob, file.name).count(), 0, 'no progress left on a saved file');
      await bobsCard.getByText('20 MB', { exact: true }).waitFor();

      await waitUntilSent(alice, file);
      await fileCard(alice, file.name).getByText('20 MB', { exact: true }).waitFor();
    }),
  ));

test('a receiver who reloads in the middle of a transfer gets the rest after signing back in', () =>
  withTempDir((dir) =>
    inWorld(async (world) => {
      const [alice, bob] = await everyoneOnline(world, 'alice', 'bob');
      await alice.openChat('bob');
      await bob.openChat('alice');
      // The reload is asked for as soon as bob shows his first stored chunks. Even at the raw
      // channel's ~45 MB/s here, 32 MB leaves most of a second for it to land; a loaded machine
      // slows the transfer along with everything else.
      const file = await writeRandomFile(dir, 'dataset', 32 * MB);

      const [before] = await Promise.all([
        progressSeen(bob.page, file.name, 0),
        attach(alice, file).then(() => download(bob, file)),
      ]);
      await bob.reload();
      assert.ok(
        before <= file.size / 2,
        `the reload came early in the transfer (${before} of ${file.size} bytes)`,
      );

      // The remembered session signs bob in again, and the transfer goes on from what he stored.
      await bob.waitUntilSignedIn();
      await bob.openChat('alice');
      assert.equal(await saveAndHash(bob, file), file.sha256, 'the resumed file is exactly what alice chose');
      await waitUntilSent(alice, file);
    }),
  ));

test('a file sent to a group of three reaches both other members, who each save an identical copy', () =>
  withTempDir((dir) =>
    inWorld(async (world) => {
      const [alice, bob, carol] = await everyoneOnline(world, 'alice', 'bob', 'carol');
      await alice.createGroup('Photo club', ['bob', 'carol']);
      for (const member of [bob, carol]) await member.acceptInvitation('Photo club');
      await alice.waitForMembers(['alice', 'bob', 'carol']);
      for (const member of [bob, carol]) {
        await member.groupButton('Photo club').waitFor();
        await member.openGroup('Photo club');
        await member.waitForMembers(['alice', 'bob', 'carol']);
      }
      const file = await writeRandomFile(dir, 'contact-sheet', 5 * MB);

      await attach(alice, file);
      for (const member of [bob, carol]) {
        assert.equal(
          await saveAndHash(member, file),
          file.sha256,
          `${member.name} saved exactly what alice chose`,
        );
      }
      await waitUntilSent(alice, file);
    }),
  ));

test('a receiver who cancels stops the transfer on both sides, and the sender is told who cancelled', () =>
  withTempDir((dir) =>
    inWorld(async (world) => {
      const [alice, bob] = await everyoneOnline(world, 'alice', 'bob');
      await alice.openChat('bob');
      await bob.openChat('alice');
      // Cancelled early, so its size costs nothing: big enough that Cancel lands while it moves.
      const file = await writeRandomFile(dir, 'wrong-file', 64 * MB);

      await Promise.all([
        progressSeen(bob.page, file.name, 0),
        attach(alice, file).then(() => download(bob, file)),
      ]);
      const bobsCard = fileCard(bob, file.name);
      await control(bobsCard, 'Cancel').click();

      await progressbar(bob, file.name).waitFor({ state: 'detached' });
      await bobsCard.getByText(/you cancelled/i).waitFor();
      const alicesCard = fileCard(alice, file.name);
      await alicesCard.getByText(/\bbob cancelled\b/i).waitFor();
      await progressbar(alice, file.name).waitFor({ state: 'detached' });
      assert.equal(await control(bobsCard, 'Save').count(), 0, 'nothing to save on the receiver side');
    }),
  ));
