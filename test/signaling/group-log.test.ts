import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { GROUP_LOG_FRAME_ENTRIES, groupEntryText, type GroupEntry } from '../../shared/group-log.js';
import { Capability, PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol.js';
import { PASSWORD, startTestServer, type TestClient, type TestServer } from './harness.js';

/** The server never checks signatures (members do): any well-formed one will do here. */
const SIG = 'ab'.repeat(64);
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function entry(fields: Omit<GroupEntry, 'sig' | 'at'>): string {
  return groupEntryText({ ...fields, at: 1, sig: SIG } as GroupEntry);
}

/** The next frame that is not a presence delta. */
async function next(client: TestClient): Promise<ServerFrame> {
  for (;;) {
    const frame = await client.next();
    if (frame.type !== 'user-online' && frame.type !== 'user-offline') return frame;
  }
}

async function expectFrame<T extends ServerFrame['type']>(
  client: TestClient,
  type: T,
): Promise<Extract<ServerFrame, { type: T }>> {
  const frame = await next(client);
  assert.equal(frame.type, type, `expected ${type}, got ${JSON.stringify(frame)}`);
  return frame as Extract<ServerFrame, { type: T }>;
}

async function expectError(
  client: TestClient,
  code: string,
): Promise<Extract<ServerFrame, { type: 'error' }>> {
  const frame = await expectFrame(client, 'error');
  assert.equal(frame.code, code, JSON.stringify(frame));
  return frame;
}

/** Registers `name` as a client that takes group logs (`Capability.GroupLog`), as the app does. */
async function join(server: TestServer, name: string): Promise<{ client: TestClient }> {
  const client = await server.connect();
  const capabilities = [Capability.GroupLog];
  client.send({
    type: 'register',
    version: PROTOCOL_VERSION,
    username: name,
    password: PASSWORD,
    capabilities,
  });
  await client.expect('welcome');
  return { client };
}

async function groupOf(creator: TestClient, invitee: string): Promise<string> {
  creator.send({ type: 'group-create', name: 'Signed', members: [invitee] });
  return (await expectFrame(creator, 'group-update')).group.id;
}

async function expectLog(client: TestClient, group: string): Promise<string[]> {
  const frame = await expectFrame(client, 'group-log');
  assert.equal(frame.group, group);
  return frame.entries;
}

test('a member appends signed entries in chain order; each member gets them, others are refused', async (t) => {
  const server = await startTestServer(t);
  const alice = await join(server, 'alice');
  const bob = await join(server, 'bob');
  const id = await groupOf(alice.client, 'bob');
  await expectFrame(bob.client, 'group-invite');

  const create = entry({ group: id, kind: 'create', actor: 'alice', name: 'Signed' });
  alice.client.send({ type: 'group-entry', group: id, entries: [create] });
  assert.deepEqual(await expectLog(alice.client, id), [create]);

  // Not a member yet: an invitee cannot write into the log.
  const early = entry({ group: id, kind: 'accept', actor: 'bob', prev: hash(create) });
  bob.client.send({ type: 'group-entry', group: id, entries: [early] });
  assert.equal((await expectError(bob.client, ErrorCode.UnknownGroup)).ref, 'group-entry');
  server.logs.take({ code: ErrorCode.UnknownGroup });

  // Only in one's own name, about this group, on the log's last entry.
  const forged = entry({ group: id, kind: 'invite', actor: 'bob', subject: 'eve', prev: hash(create) });
  alice.client.send({ type: 'group-entry', group: id, entries: [forged] });
  await expectError(alice.client, ErrorCode.BadFrame);
  const invite = entry({ group: id, kind: 'invite', actor: 'alice', subject: 'bob', prev: hash(create) });
  alice.client.send({ type: 'group-entry', group: id, entries: [invite] });
  assert.deepEqual(await expectLog(alice.client, id), [invite]);
  alice.client.send({ type: 'group-entry', group: id, entries: [invite] });
  await expectError(alice.client, ErrorCode.GroupLogStale);
  const elsewhere = entry({
    group: 'g' + '0'.repeat(24),
    kind: 'invite',
    actor: 'alice',
    subject: 'eve',
    prev: hash(invite),
  });
  alice.client.send({ type: 'group-entry', group: id, entries: [elsewhere] });
  await expectError(alice.client, ErrorCode.BadFrame);
  alice.client.send({ type: 'group-entry', group: id, entries: ['{"not":"an entry"}'] });
  await expectError(alice.client, ErrorCode.BadFrame);

  // Accepting hands the new member the whole log, after the group itself.
  bob.client.send({ type: 'group-accept', group: id });
  await expectFrame(bob.client, 'group-update');
  await expectFrame(alice.client, 'group-update');
  assert.deepEqual(await expectLog(bob.client, id), [create, invite]);
  const accept = entry({ group: id, kind: 'accept', actor: 'bob', prev: hash(invite) });
  bob.client.send({ type: 'group-entry', group: id, entries: [accept] });
  assert.deepEqual(await expectLog(bob.client, id), [accept]);
  assert.deepEqual(await expectLog(alice.client, id), [accept]);
});

test('a client that takes group logs gets each group’s log after its welcome, in frames of bounded size', async (t) => {
  const server = await startTestServer(t);
  const alice = await join(server, 'alice');
  const id = await groupOf(alice.client, 'alice');
  const texts: string[] = [];
  let prev: string | undefined;
  for (let n = 0; n < GROUP_LOG_FRAME_ENTRIES + 2; n++) {
    const text =
      prev === undefined
        ? entry({ group: id, kind: 'create', actor: 'alice', name: 'Signed' })
        : entry({ group: id, kind: 'leave', actor: 'alice', prev });
    texts.push(text);
    prev = hash(text);
  }
  // Many in one frame, in chain order: stored in that order, sent back in one frame.
  alice.client.send({ type: 'group-entry', group: id, entries: texts.slice(0, GROUP_LOG_FRAME_ENTRIES) });
  assert.equal((await expectLog(alice.client, id)).length, GROUP_LOG_FRAME_ENTRIES);
  alice.client.send({ type: 'group-entry', group: id, entries: texts.slice(GROUP_LOG_FRAME_ENTRIES) });
  assert.equal((await expectLog(alice.client, id)).length, 2);

  const capable = await server.connect();
  capable.send({
    type: 'login',
    version: PROTOCOL_VERSION,
    username: 'alice',
    password: PASSWORD,
    capabilities: [Capability.GroupLog],
  });
  assert.equal((await capable.expect('welcome')).groups.length, 1);
  const first = await expectLog(capable, id);
  assert.equal(first.length, GROUP_LOG_FRAME_ENTRIES);
  assert.deepEqual([...first, ...(await expectLog(capable, id))], texts);

  // One that did not ask gets none, after the welcome or as entries are added (older clients refuse
  // the frame type): the answer to a relay to nobody is the next frame it gets.
  const older = await server.connect();
  older.login('alice');
  await older.expect('welcome');
  const leave = entry({ group: id, kind: 'leave', actor: 'alice', prev: hash(texts[texts.length - 1]!) });
  older.send({ type: 'group-entry', group: id, entries: [leave] });
  older.send({ type: 'signal', to: 'nobody.here', data: { kind: 'connect' } });
  await expectError(older, ErrorCode.UnknownPeer);
});
