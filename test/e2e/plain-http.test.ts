/**
 * Parley over plain HTTP to a name that is not loopback, where the page is not a secure context and
 * has no `crypto.subtle`: the identity runs on the pure-JS fallback (client/app/identity/
 * noble-provider.ts) and talks to a person on a secure page. Chromium counts localhost and
 * 127.0.0.0/8 as secure, so `parley.test` is mapped to 127.0.0.1 by the resolver: the same server,
 * reached by a name Chromium does not trust.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumPath } from '../../scripts/chromium.mjs';
import { CHROMIUM_ARGS, NAME_HELPER_SCRIPT } from './harness/chromium.js';
import { PageProblems } from './harness/page-problems.js';
import { DEFAULT_TIMEOUT_MS, Person } from './harness/person.js';
import { ServerProcess } from './harness/server-process.js';

let browser: Browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP parley.test 127.0.0.1'],
  });
});
after(async () => {
  await browser?.close();
});

/** What the page says of its own security, and whether the pure-JS crypto chunk was loaded. */
function securityOf(page: Page): Promise<{ secure: boolean; subtle: boolean; noble: boolean }> {
  return page.evaluate(() => ({
    secure: window.isSecureContext,
    subtle: (crypto as { subtle?: unknown }).subtle !== undefined,
    noble: performance.getEntriesByType('resource').some((entry) => entry.name.includes('noble-provider')),
  }));
}

/**
 * What `user`'s account database in the page holds: how the device key is kept (`bytes` for a
 * Uint8Array, else its class) and each stored message's text with its signature, if any.
 */
function stored(page: Page, user: string): Promise<{ key: string; sigs: Record<string, string | null> }> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open(name);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error ?? new Error(`cannot open ${name}`));
    });
    const tx = db.transaction(['identity', 'messages']);
    const [device, messages] = await Promise.all(
      [tx.objectStore('identity').get('device'), tx.objectStore('messages').getAll()].map(
        (read) =>
          new Promise<unknown>((resolve, reject) => {
            read.onsuccess = () => resolve(read.result);
            read.onerror = () => reject(read.error ?? new Error('IndexedDB read failed'));
          }),
      ),
    );
    db.close();
    const privateKey = (device as { privateKey?: object } | undefined)?.privateKey;
    const sigs: Record<string, string | null> = {};
    for (const row of messages as { text?: unknown; sig?: unknown }[]) {
      if (typeof row.text === 'string') sigs[row.text] = typeof row.sig === 'string' ? row.sig : null;
    }
    return { key: privateKey instanceof Uint8Array ? 'bytes' : String(privateKey?.constructor.name), sigs };
  }, `parley:${user}`);
}

test('a person on plain http (no WebCrypto) and one on a secure page register, see each other and chat, signed', async () => {
  const server = await ServerProcess.start();
  const problems = new PageProblems();
  const people: Person[] = [];
  const profiles: BrowserContext[] = [];
  try {
    const port = new URL(server.url).port;
    // A profile of alice's own, made here: the harness grants the microphone, which Chromium
    // refuses to an origin that is not secure.
    const aliceProfile = await browser.newContext();
    aliceProfile.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    await aliceProfile.addInitScript(NAME_HELPER_SCRIPT);
    profiles.push(aliceProfile);
    const alice = await Person.arriveIn(aliceProfile, `http://parley.test:${port}/`, 'alice', problems);
    const bob = await Person.arrive(browser, `http://127.0.0.1:${port}/`, 'bob', problems);
    people.push(alice, bob);
    assert.deepEqual(await securityOf(alice.page), { secure: false, subtle: false, noble: false });
    assert.deepEqual(await securityOf(bob.page), { secure: true, subtle: true, noble: false });
    const notice = (person: Person) =>
      person.page.getByRole('note').filter({ hasText: 'connection is not secure' });
    await notice(alice).waitFor();
    assert.equal(await notice(bob).count(), 0);

    await alice.register();
    await bob.register();
    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    await alice.openChat('bob');
    await bob.openChat('alice');

    await alice.send('hello from plain http');
    await bob.expectMessage('hello from plain http', { author: 'alice' });
    await alice.waitForState('hello from plain http', 'delivered');
    await bob.send('and back from a secure page');
    await alice.expectMessage('and back from a secure page', { author: 'bob' });
    await bob.waitForState('and back from a secure page', 'delivered');

    // Each hello verified: neither side shows the alert of an unverified connection.
    for (const person of [alice, bob]) {
      assert.equal(
        await person.page.getByRole('alert').filter({ hasText: 'could not be verified' }).count(),
        0,
      );
    }
    // Each side stored the other's message with its signature (the inbox keeps only what
    // verified). Alice's key is pure JS, kept as bytes; bob's a non-extractable CryptoKey. Only
    // alice's page downloaded the pure-JS crypto.
    const atAlice = await stored(alice.page, 'alice');
    const atBob = await stored(bob.page, 'bob');
    assert.match(atBob.sigs['hello from plain http'] ?? '', /^[0-9a-f]{128}$/);
    assert.match(atAlice.sigs['and back from a secure page'] ?? '', /^[0-9a-f]{128}$/);
    assert.equal(atAlice.key, 'bytes');
    assert.equal(atBob.key, 'CryptoKey');
    assert.equal((await securityOf(alice.page)).noble, true);
    assert.equal((await securityOf(bob.page)).noble, false);

    // After a reload alice signs with the same stored bytes: bob sees no new safety number.
    await alice.reload();
    await alice.openChat('bob');
    await alice.send('still me after a reload');
    await bob.expectMessage('still me after a reload', { author: 'alice' });
    await alice.waitForState('still me after a reload', 'delivered');
    assert.equal(await bob.page.getByText('safety number with alice changed').count(), 0);
    assert.match((await stored(bob.page, 'bob')).sigs['still me after a reload'] ?? '', /^[0-9a-f]{128}$/);
  } finally {
    await Promise.allSettled(people.map((person) => person.close()));
    await Promise.allSettled(profiles.map((profile) => profile.close()));
    await server.dispose();
  }
  problems.assertNoUncaughtErrors();
});
