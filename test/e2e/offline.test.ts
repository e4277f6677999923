import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './harness/chromium.js';
import { PageProblems } from './harness/page-problems.js';
import { Person } from './harness/person.js';
import { ServerProcess } from './harness/server-process.js';

/** The built client; this test serves a copy of it, so that it can publish a "new build". */
const BUILT_CLIENT = fileURLToPath(new URL('../../dist/client', import.meta.url));
/** The about line at the foot of every screen. */
const ABOUT_BUILD = /^Parley · build ([0-9a-f]{12})$/;

let browser: Browser | null = null;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('Parley opens offline from its service worker with the stored history, and a new build waits for Reload', async () => {
  if (!browser) throw new Error('Chromium is not running');
  const clientDir = await mkdtemp(join(tmpdir(), 'parley-client-'));
  await cp(BUILT_CLIENT, clientDir, { recursive: true });
  const server = await ServerProcess.start({ env: { CLIENT_DIR: clientDir } });
  const problems = new PageProblems();
  const people: Person[] = [];
  try {
    const alice = await Person.arrive(browser, server.url, 'alice', problems);
    const bob = await Person.arrive(browser, server.url, 'bob', problems);
    people.push(alice, bob);
    await alice.register();
    await bob.register();
    await alice.openChat('bob');
    await alice.send('Kept for the train');
    await bob.openChat('alice');
    await bob.expectMessage('Kept for the train', { author: 'alice' });
    await bob.send('Safe travels');
    await alice.expectMessage('Safe travels', { author: 'bob' });

    // The about line names the installed build: the hash the service worker was built with.
    const worker = await readFile(join(clientDir, 'sw.js'), 'utf8');
    const about = alice.page.getByText(ABOUT_BUILD);
    const installed = ABOUT_BUILD.exec(await about.innerText())?.[1];
    assert.ok(installed && worker.includes(`"${installed}"`), `the about line names the worker's build`);
    await alice.page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // No server, no network: the app still opens, signed in, with what was said.
    await server.kill();
    await alice.context.setOffline(true);
    await alice.reload();
    await alice.waitUntilSignedIn();
    await alice.userButton('bob', { list: 'Contacts' }).click();
    await alice.expectMessage('Kept for the train', { author: 'alice' });
    await alice.expectMessage('Safe travels', { author: 'bob' });

    // The server publishes another build: it installs, but the running app stays until Reload.
    await alice.context.setOffline(false);
    const next = 'feedc0ffee42';
    await writeFile(join(clientDir, 'sw.js'), worker.replaceAll(`"${installed}"`, `"${next}"`));
    await server.restart();
    await alice.reload();
    await alice.waitUntilSignedIn();
    const notice = alice.page.getByRole('status').filter({ hasText: 'A new version of Parley is ready' });
    await notice.filter({ hasText: next }).waitFor();
    assert.match(
      await about.innerText(),
      new RegExp(`build ${installed}`),
      'the old build runs until Reload',
    );
    await notice.getByRole('button', { name: 'Reload', exact: true }).click();
    await alice.page.getByText(`Parley · build ${next}`, { exact: true }).waitFor();
    await alice.waitUntilSignedIn();
    assert.equal(await notice.count(), 0, 'no notice once the new build runs');
  } finally {
    await Promise.allSettled(people.map((person) => person.close()));
    await server.dispose();
    await rm(clientDir, { recursive: true, force: true });
  }
  problems.assertNoUncaughtErrors();
});
