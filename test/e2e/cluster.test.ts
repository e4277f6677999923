/**
 * Two Parley nodes behind no balancer at all: each person's browser talks to a different node; the
 * nodes share Redis (presence, relay) and PostgreSQL (accounts), as docs/deploy.md's two-node setup.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startPostgres, type PostgresServer } from '../signaling/pg-harness.js';
import { startRedis, type RedisServer } from '../signaling/redis-harness.js';
import { launchChromium } from './harness/chromium.js';
import { PageProblems } from './harness/page-problems.js';
import { Person } from './harness/person.js';
import { ServerProcess } from './harness/server-process.js';

let browser: Browser;
let redis: RedisServer;
let postgres: PostgresServer;

before(async () => {
  [browser, redis, postgres] = await Promise.all([launchChromium(), startRedis(), startPostgres()]);
});
after(async () => {
  await Promise.allSettled([browser?.close(), redis?.stop(), postgres?.stop()]);
});

test('two people signed in on two nodes see each other and chat both ways until delivered', async () => {
  const env = { REDIS_URL: redis.url, DATABASE_URL: await postgres.freshDatabase() };
  // One after the other: the first applies the migrations (under an advisory lock either way).
  const nodeA = await ServerProcess.start({ env });
  const nodeB = await ServerProcess.start({ env });
  const problems = new PageProblems();
  const people: Person[] = [];
  try {
    const alice = await Person.arrive(browser, nodeA.url, 'alice', problems);
    people.push(alice);
    await alice.register();
    const bob = await Person.arrive(browser, nodeB.url, 'bob', problems);
    people.push(bob);
    await bob.register();

    await alice.waitUntilOnline('bob');
    await bob.waitUntilOnline('alice');
    await alice.openChat('bob');
    await bob.openChat('alice');
    await alice.send('Hello from node A');
    await bob.expectMessage('Hello from node A', { author: 'alice' });
    await alice.waitForState('Hello from node A', 'delivered');
    await bob.send('And back from node B');
    await alice.expectMessage('And back from node B', { author: 'bob' });
    await bob.waitForState('And back from node B', 'delivered');
    assert.deepEqual(await alice.messageTexts(), await bob.messageTexts());
  } finally {
    await Promise.allSettled(people.map((person) => person.close()));
    await Promise.allSettled([nodeA.dispose(), nodeB.dispose()]);
  }
  problems.assertNoUncaughtErrors();
});
