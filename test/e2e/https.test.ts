/**
 * Parley over HTTPS, as a person reaches it from another machine: the real server process started
 * as `npm start -- --self-signed` starts it, serving `https:` and `wss:` on one port with the
 * certificate it made, and two Chromium profiles that accepted that certificate — as a person does
 * once in the browser's warning page. Over it: sign in, chat, a voice message. Voice and the identity
 * keys exist only in secure contexts, so this is what a LAN or VPS install depends on. (A server given
 * `TLS_CERT`/`TLS_KEY` is tested in test/signaling/tls-config.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from './harness/chromium.js';
import { chromiumPath } from '../../scripts/chromium.mjs';
import { PageProblems } from './harness/page-problems.js';
import { Person } from './harness/person.js';
import { ServerProcess } from './harness/server-process.js';

/** A clip moving over a fresh connection on a busy 2-core machine. */
const ARRIVAL_TIMEOUT_MS = 30_000;

let browser: Browser;
before(async () => {
  // The test's stand-in for the person clicking through the warning about a certificate no
  // authority signed; the page is still an https: page, so a secure context.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
  });
});
after(async () => {
  await browser?.close();
});

test('with --self-signed: sign in, chat and send a voice message, in a secure context', async () => {
  const server = await ServerProcess.start({ args: ['--self-signed'] });
  const problems = new PageProblems();
  const people: Person[] = [];
  try {
    assert.match(server.url, /^https:\/\//);
    const alice = await Person.arrive(browser, server.url, 'alice', problems);
    const bob = await Person.arrive(browser, server.url, 'bob', problems);
    people.push(alice, bob);
    assert.equal(await alice.page.evaluate(() => window.isSecureContext && location.protocol), 'https:');

    await alice.register();
    await bob.register();
    await alice.waitUntilOnline('bob');
    await alice.openChat('bob');
    await bob.openChat('alice');
    // Bob writes first, so a file from alice (the voice clip) is fetched without asking.
    await bob.send('hello over https');
    await alice.expectMessage('hello over https', { author: 'bob' });
    await alice.send('and back, through wss');
    await bob.expectMessage('and back, through wss', { author: 'alice' });

    await alice.page.getByRole('button', { name: 'Record voice message', exact: true }).click();
    const send = alice.page.getByRole('button', { name: 'Send voice message', exact: true });
    await send.waitFor();
    // The clip's length: what the fake microphone records, not a wait for something to happen.
    await alice.page.waitForTimeout(1000);
    await send.click();
    const clip = bob.messageLog
      .getByRole('article')
      .filter({ has: bob.page.getByText('alice', { exact: true }) })
      .locator('voice-player audio');
    await clip.waitFor({ state: 'attached', timeout: ARRIVAL_TIMEOUT_MS });
  } finally {
    await Promise.allSettled(people.map((person) => person.close()));
    await server.dispose();
  }
  problems.assertNoUncaughtErrors();
});
