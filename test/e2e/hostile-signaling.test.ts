/**
 * A hostile signaling server, with the real server and real browsers: a proxy in front of the server
 * (harness/signaling-proxy.ts) that the app is loaded from. It either routes alice's and bob's
 * signals to an attacker page that answers each as the other and bridges the two data channels,
 * forwarding everything it can (hellos included), or hands out another key for bob.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { clientBundleOptions, root } from '../../scripts/esbuild-options.mjs';
import { launchChromium } from './harness/chromium.js';
import { PageProblems } from './harness/page-problems.js';
import { Person } from './harness/person.js';
import { ServerProcess } from './harness/server-process.js';
import { SignalingProxy } from './harness/signaling-proxy.js';

const UNVERIFIED = /could not be verified/;

let browser: Browser | null = null;
let attackerScript = '';
before(async () => {
  browser = await launchChromium();
  const bundle = await build({
    ...clientBundleOptions,
    entryPoints: [`${root}test/e2e/attacker/attacker-page.ts`],
    write: false,
  });
  attackerScript = bundle.outputFiles[0]!.text;
});
after(async () => {
  await browser?.close();
});

interface Setup {
  proxy: SignalingProxy;
  /** Opens Parley through the proxy and creates the account. */
  register(name: string): Promise<Person>;
  /** alice and bob register, see each other online and open their conversation. */
  alicePlusBob(): Promise<[Person, Person]>;
  /**
   * The attacker page, ready with `start` (a bridge, or an impostor); from then on every signal
   * between `victims` goes to it.
   */
  attack(victims: [string, string], start: (page: Page) => Promise<void>): Promise<Page>;
}

/** A server, the proxy in front of it, and everything cleaned up after `body`, whatever happened. */
async function hostile(body: (setup: Setup) => Promise<void>): Promise<void> {
  if (!browser) throw new Error('Chromium is not running');
  const chromium = browser;
  const problems = new PageProblems();
  const server = await ServerProcess.start();
  const proxy = await SignalingProxy.start(server.url);
  const people: Person[] = [];
  const contexts: Array<{ close(): Promise<void> }> = [];
  const register = async (name: string): Promise<Person> => {
    const person = await Person.arrive(chromium, proxy.url, name, problems);
    people.push(person);
    await person.register();
    return person;
  };
  try {
    await body({
      proxy,
      register,
      async alicePlusBob() {
        const alice = await register('alice');
        const bob = await register('bob');
        await alice.waitUntilOnline('bob');
        await bob.waitUntilOnline('alice');
        await alice.openChat('bob');
        await bob.openChat('alice');
        return [alice, bob];
      },
      async attack(victims, start) {
        const context = await chromium.newContext();
        contexts.push(context);
        const page = await context.newPage();
        problems.watch(page, 'attacker');
        await page.exposeFunction('relaySignal', (victim: string, as: string, payload: unknown) =>
          proxy.inject(victim, as, payload),
        );
        proxy.page('/attacker', `<!doctype html><script type="module">${attackerScript}</script>`);
        await page.goto(`${proxy.url}/attacker`);
        await page.waitForFunction(() => 'attacker' in window);
        await start(page);
        proxy.intercept(victims[0], victims[1], (from, _to, data) => {
          page
            .evaluate(([victim, payload]) => window.attacker.signal(victim as string, payload), [from, data])
            // A victim's retry may still signal while the test tears the attacker page down.
            .catch((error: unknown) => {
              if (!page.isClosed()) throw error;
            });
        });
        return page;
      },
    });
  } finally {
    await Promise.allSettled([...people.map((p) => p.close()), ...contexts.map((c) => c.close())]);
    await proxy.close();
    await server.dispose();
  }
  problems.assertNoUncaughtErrors();
}

test('through the proxy, without an attack, the same two people chat normally', () =>
  hostile(async ({ alicePlusBob }) => {
    const [alice, bob] = await alicePlusBob();
    await alice.send('hello bob');
    await bob.expectMessage('hello bob', { author: 'alice' });
    await bob.send('hello alice');
    await alice.expectMessage('hello alice', { author: 'bob' });
    await alice.waitForState('hello bob', 'delivered');
    assert.equal(await alice.alert.filter({ hasText: UNVERIFIED }).count(), 0);
    assert.equal(await bob.alert.filter({ hasText: UNVERIFIED }).count(), 0);
  }));

test('a server that bridges the data channel is detected by both, and nothing crosses it', () =>
  hostile(async ({ alicePlusBob, attack }) => {
    const attacker = await attack(['alice', 'bob'], (page) =>
      page.evaluate(() => window.attacker.bridge(['alice', 'bob'])),
    );
    const [alice, bob] = await alicePlusBob();
    await alice.send('for bob only');
    await bob.send('for alice only');
    await alice.alert.filter({ hasText: UNVERIFIED }).waitFor();
    await bob.alert.filter({ hasText: UNVERIFIED }).waitFor();
    // The bridge was really up: it carried both people's hellos and proofs, and no app frame.
    assert.ok((await attacker.evaluate(() => window.attacker.handshakes())) >= 4);
    assert.equal(await attacker.evaluate(() => window.attacker.seen()), 0);
    assert.deepEqual(await alice.messageTexts(), ['for bob only']);
    assert.deepEqual(await bob.messageTexts(), ['for alice only']);
    assert.equal(await alice.messageState('for bob only'), 'sending');
    assert.equal(await bob.messageState('for alice only'), 'sending');
  }));

test('a server that advertises another key for a contact is shown as such; the chat goes on', () =>
  hostile(async ({ proxy, alicePlusBob }) => {
    proxy.advertise('bob', { alg: 'Ed25519', key: '5a'.repeat(32) });
    const [alice, bob] = await alicePlusBob();
    await alice.send('still here');
    await bob.expectMessage('still here', { author: 'alice' });
    await alice.alert
      .filter({ hasText: 'The server advertises a key for bob other than the one they proved' })
      .waitFor();
    assert.equal(await bob.alert.filter({ hasText: /advertises a key/ }).count(), 0);
  }));

/**
 * alice and bob chat (bob's real key is pinned), alice marks bob verified if `verify`, then the
 * server substitutes bob: alice's next connection to "bob" reaches an impostor with a key of its own
 * that signs its own hellos.
 */
async function substituted(
  setup: Setup,
  verify: boolean,
): Promise<{ alice: Person; bob: Person; attacker: Page }> {
  const [alice, bob] = await setup.alicePlusBob();
  await alice.send('before');
  await bob.expectMessage('before', { author: 'alice' });
  if (verify) {
    await alice.page.getByRole('button', { name: 'Safety number' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Safety number' });
    await dialog.getByRole('button', { name: 'Mark as verified' }).click();
    await alice.page.getByText('verified', { exact: true }).first().waitFor();
  }
  const attacker = await setup.attack(['alice', 'bob'], (page) =>
    page.evaluate(() => window.attacker.impersonate('bob', 'alice')),
  );
  // A new connection: the one alice had goes with her reload.
  await alice.reload();
  await alice.waitUntilOnline('bob');
  await alice.openChat('bob');
  return { alice, bob, attacker };
}

test('the server substitutes an unverified contact’s key: the conversation says the safety number changed', () =>
  hostile(async (setup) => {
    const { alice, attacker } = await substituted(setup, false);
    await alice.page.getByRole('note').filter({ hasText: 'Your safety number with bob changed' }).waitFor();
    // Trust on first use: an unverified contact's new key is taken, with the notice.
    await alice.send('to whom?');
    await attacker.waitForFunction(() => window.attacker.seen() > 0);
  }));

test('the server substitutes a verified contact’s key: nothing flows until alice accepts the new safety number', () =>
  hostile(async (setup) => {
    const { alice, bob, attacker } = await substituted(setup, true);
    const blocked = alice.alert.filter({ hasText: 'Your safety number with bob changed' });
    await blocked.waitFor();
    await alice.send('held back');
    assert.equal(await alice.messageState('held back'), 'sending');
    assert.equal(await attacker.evaluate(() => window.attacker.seen()), 0);
    await blocked.getByRole('button', { name: 'Accept new safety number' }).click();
    // Accepted, the impostor gets it (and never acks), and bob never did: why a verified contact is asked first.
    await attacker.waitForFunction(() => window.attacker.seen() > 0);
    assert.ok(!(await bob.messageTexts()).includes('held back'));
  }));

test('a member the server inserted into a group receives no group message, is not heard, and shows as not verified', () =>
  hostile(async ({ proxy, register }) => {
    const alice = await register('alice');
    const bob = await register('bob');
    const eve = await register('eve');
    for (const [person, others] of [
      [alice, ['bob', 'eve']],
      [bob, ['alice', 'eve']],
      [eve, ['alice', 'bob']],
    ] as const) {
      for (const other of others) await person.waitUntilOnline(other);
    }
    // The server lists eve in every group, and tells her of each: no invitation, no accept of hers.
    proxy.insertMember('eve');
    await alice.createGroup('Circle', ['bob']);
    await bob.acceptInvitation('Circle');
    await bob.openGroup('Circle');
    // Only those the signed log admits are members; eve is shown apart, as not verified.
    await alice.waitForMembers(['alice', 'bob']);
    await bob.waitForMembers(['alice', 'bob']);
    await alice.page.getByText('eve (not verified)', { exact: true }).waitFor();
    await bob.page.getByText('eve (not verified)', { exact: true }).waitFor();
    // Eve's page believes the server: the group is listed there with her in it.
    await eve.openGroup('Circle');

    await alice.send('for members only');
    await bob.expectMessage('for members only', { author: 'alice' });
    await alice.waitForState('for members only', 'delivered to all 1');
    // Eve writes into the group (to alice and bob, as her page sees it): nobody takes it.
    await eve.send('eve was here');

    // Then each writes to eve directly, on the same ordered channels that would have carried the group's
    // traffic: once these arrive, anything of the group would have arrived before them.
    await alice.openChat('eve');
    await alice.send('hello eve');
    await bob.openChat('eve');
    await bob.send('hi eve');
    await eve.openChat('alice');
    await eve.expectMessage('hello eve', { author: 'alice' });
    await eve.send('hello alice');
    await alice.expectMessage('hello alice', { author: 'eve' });
    await eve.openChat('bob');
    await eve.expectMessage('hi eve', { author: 'bob' });
    await eve.send('hello bob');
    await bob.expectMessage('hello bob', { author: 'eve' });

    assert.ok(!(await eve.storedTexts()).includes('for members only'));
    assert.ok(!(await alice.storedTexts()).includes('eve was here'));
    assert.ok(!(await bob.storedTexts()).includes('eve was here'));
  }));
