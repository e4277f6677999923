import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../shared/errors.js';
import { startTestServer } from './harness.js';

test('a user in as many groups as allowed cannot create another until leaving one', async (t) => {
  const server = await startTestServer(t, { maxGroupsPerUser: 2 });
  const { client } = await server.join('alice');
  const ids: string[] = [];
  for (const name of ['one', 'two']) {
    client.send({ type: 'group-create', name, members: [] });
    ids.push((await client.expect('group-update')).group.id);
  }
  client.send({ type: 'group-create', name: 'three', members: [] });
  const refused = await client.expectError(ErrorCode.TooManyGroups);
  assert.equal(refused.ref, 'group-create');
  client.send({ type: 'group-leave', group: ids[0] });
  await client.expect('group-removed');
  client.send({ type: 'group-create', name: 'three', members: [] });
  assert.equal((await client.expect('group-update')).group.name, 'three');
});
