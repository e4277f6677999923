import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import type { FileView } from '../../../../client/app/conversations/message-view.js';
import { PeerConnection } from '../../../../client/net/peer-connection.js';
import type { PeerLink, PeerLinkFactory } from '../../../../client/net/peer-mesh.js';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_FRAME_TAG,
  FILE_CHUNK_BYTES,
  HASH_SCHEME_BLOCKS,
} from '../../../../shared/file-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

/** A link factory that keeps every link it makes, so a test can break the live one. */
function keptLinks(
  links: PeerLink[],
  make: PeerLinkFactory = (options, handlers) => new PeerConnection(options, handlers),
): PeerLinkFactory {
  return (options, handlers) => {
    const link = make(options, handlers);
    links.push(link);
    return link;
  };
}

function randomFile(bytes: number, name = 'random.bin', type = 'application/octet-stream'): File {
  const data = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 65536)
    crypto.getRandomValues(data.subarray(offset, offset + 65536));
  return new File([data], name, { type });
}

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The block digest (sha256-blocks-1mib) as the scheme states it, with WebCrypto alone. */
async function blocksSha256(blob: Blob): Promise<string> {
  const digests: Blob[] = [];
  for (let offset = 0; offset < blob.size; offset += MiB) {
    const block = await blob.slice(offset, offset + MiB).arrayBuffer();
    digests.push(new Blob([await crypto.subtle.digest('SHA-256', block)]));
  }
  return sha256(new Blob(digests));
}

const fileOf = (m: Messenger, index = 0): FileView | null =>
  m.openConversation?.messages.filter((message) => message.file)[index]?.file ?? null;
const fileIdOf = (m: Messenger, index = 0): string =>
  m.openConversation?.messages.filter((message) => message.file)[index]?.id ?? '';

const MiB = 1024 * 1024;
/**
 * The resume tests break a transfer part way. Bob's first link takes in only the first
 * `STALLED_AFTER` chunks, so however fast the machine the transfer waits there, with those chunks
 * stored (the write's wait runs out), when the test breaks it; then everything after them must
 * come, and nothing before. A few MiB are plenty; more only multiplies the packets a loaded machine
 * may drop, each drop stalling the data channel for a retransmission timeout.
 */
const MID_TRANSFER_BYTES = 4 * MiB + 5;
const STALLED_AFTER = 20;

/** Counts the file chunks a receiver's links take in, and wakes the room's waits at each. */
function countingChunks(room: MessengerRoom, counted: { chunks: number }): PeerLinkFactory {
  return (options, handlers) =>
    new PeerConnection(options, {
      ...handlers,
      onBinary: (data) => {
        if (data[0] === CHUNK_FRAME_TAG) counted.chunks += 1;
        handlers.onBinary(data);
        room.changed();
      },
    });
}

/**
 * A receiver's links whose first takes in only the first `limit` file chunks and drops the rest
 * (text frames pass), so a transfer stalls part way however fast the machine and a test can act on
 * it mid-way; later links (after a reconnect) take in all. `taken[i]` counts the chunks link `i`
 * took in. Each chunk taken in wakes the room's waits.
 */
function firstLinkStalls(room: MessengerRoom, limit: number, taken: number[]): PeerLinkFactory {
  return (options, handlers) => {
    const link = taken.push(0) - 1;
    return new PeerConnection(options, {
      ...handlers,
      onBinary: (data) => {
        if (data[0] === CHUNK_FRAME_TAG) {
          if (link === 0 && taken[0]! >= limit) return;
          taken[link]! += 1;
        }
        handlers.onBinary(data);
        room.changed();
      },
    });
  };
}

/** Resolves once `user` has stored `have` chunks of the first file of its open conversation. */
async function untilStored(room: MessengerRoom, user: string, have: number): Promise<void> {
  const messenger = room.messengers.get(user)!;
  const store = room.stores.get(user)!;
  await room.until(async () => {
    const id = fileIdOf(messenger);
    return id !== '' && (await store.files.get(id))?.have === have;
  });
}

describe('FileTransfers', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  async function pair(createLinkForBob?: PeerLinkFactory): Promise<[Messenger, Messenger]> {
    const alice = await room.join('alice');
    const bob = await room.join('bob', createLinkForBob ? { createLink: createLinkForBob } : {});
    alice.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    // Bob has written to Alice: her files come to him without asking.
    await bob.send('hi');
    return [alice, bob];
  }

  it('sends a file that arrives whole, with the same SHA-256, and shows it complete on both sides', async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair();
    const file = randomFile(3 * MiB + 12345, 'notes.bin');
    await alice.sendFiles([file]);
    await room.until(() => fileOf(bob)?.state === 'complete' && fileOf(alice)?.state === 'complete');
    const view = fileOf(bob)!;
    expect(view.name).to.equal('notes.bin');
    expect(view.size).to.equal(file.size);
    expect(view.canSave).to.equal(true);
    const saved = await bob.files.toSave(fileIdOf(bob));
    expect(saved?.name).to.equal('notes.bin');
    expect(saved?.blob.size).to.equal(file.size);
    expect(await sha256(saved!.blob)).to.equal(await sha256(file));
    // The offer names the block scheme, and what both sides stored is the block digest.
    const [sent, received] = await Promise.all(
      ['alice', 'bob'].map(async (user) => room.stores.get(user)!.files.get(fileIdOf(alice))),
    );
    for (const row of [sent, received]) {
      expect(row?.info.hashScheme).to.equal(HASH_SCHEME_BLOCKS);
      expect(row?.info.hash).to.equal(await blocksSha256(file));
    }
  });

  it("ends the sender's stored row once the recipient has the whole file, so a reload does not list it as unfinished", async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair();
    await alice.sendFiles([randomFile(MiB + 3, 'done.bin')]);
    await room.until(() => fileOf(bob)?.state === 'complete');
    const store = room.stores.get('alice')!;
    const id = fileIdOf(alice);
    await room.until(async () => (await store.files.get(id))?.status === 'complete');
    expect((await store.files.unfinished()).map((row) => row.id)).not.to.include(id);
    expect((await store.files.get(id))?.recipients).to.deep.equal(['bob']);
  });

  it('verifies a big file whose hash was computed while it moved', async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair();
    const file = randomFile(9 * MiB, 'big.bin');
    await alice.sendFiles([file]);
    await room.until(() => fileOf(bob)?.state === 'complete');
    const saved = await bob.files.toSave(fileIdOf(bob));
    expect(await sha256(saved!.blob)).to.equal(await sha256(file));
  });

  it('sends an empty file and an image with a preview', async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair();
    const png = await new Promise<Blob>((resolve) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 4;
      canvas.toBlob((blob) => resolve(blob!), 'image/png');
    });
    await alice.sendFiles([
      new File([], 'empty.txt', { type: 'text/plain' }),
      new File([png], 'dot.png', { type: 'image/png' }),
    ]);
    await room.until(
      () =>
        fileOf(bob, 0)?.state === 'complete' &&
        fileOf(bob, 1)?.previewUrl != null &&
        fileOf(alice, 1)?.previewUrl != null,
    );
    expect(fileOf(bob, 0)?.size).to.equal(0);
    expect(fileOf(bob, 1)?.previewUrl).to.match(/^blob:/);
    expect(fileOf(alice, 1)?.previewUrl).to.match(/^blob:/);
  });

  it('lets the receiver cancel: the sender hears it, and nothing more is stored', async function () {
    this.timeout(30_000);
    // The file stays part way: cancelled as it moves, not racing its last write.
    const [alice, bob] = await pair(firstLinkStalls(room, STALLED_AFTER, []));
    await alice.sendFiles([randomFile(12 * MiB)]);
    await room.until(() => (fileOf(bob)?.done ?? 0) > 0);
    await bob.files.cancel(fileIdOf(bob));
    expect(fileOf(bob)?.state).to.equal('failed');
    expect(fileOf(bob)?.detail).to.equal('You cancelled it.');
    await room.until(() => fileOf(alice)?.detail === 'bob cancelled it.');
    expect(fileOf(alice)?.state).to.not.equal('complete');
    expect(await bob.files.toSave(fileIdOf(bob))).to.equal(null);
  });

  it('lets the sender cancel: the receiver shows who cancelled it', async function () {
    this.timeout(30_000);
    // As above: the file stays part way, so the cancel cannot come after its end.
    const [alice, bob] = await pair(firstLinkStalls(room, STALLED_AFTER, []));
    await alice.sendFiles([randomFile(12 * MiB)]);
    await room.until(() => (fileOf(bob)?.done ?? 0) > 0);
    await alice.files.cancel(fileIdOf(alice));
    await room.until(() => fileOf(bob)?.state === 'failed');
    expect(fileOf(bob)?.detail).to.equal('alice cancelled it.');
    expect(fileOf(alice)?.detail).to.equal('You cancelled it.');
  });

  it('resumes after the connection drops mid-transfer, from what was stored', async function () {
    this.timeout(30_000);
    const bobLinks: PeerLink[] = [];
    const taken: number[] = [];
    const [alice, bob] = await pair(keptLinks(bobLinks, firstLinkStalls(room, STALLED_AFTER, taken)));
    const file = randomFile(MID_TRANSFER_BYTES);
    await alice.sendFiles([file]);
    // All that the stalled link let through is stored, and nothing more can come over it.
    const have = STALLED_AFTER;
    await untilStored(room, 'bob', have);
    // Dropping the live connection stands for a network failure: the mesh reconnects by itself.
    bobLinks.at(-1)!.close();
    await room.until(() => fileOf(bob)?.state === 'complete');
    // The new connection brought the rest and nothing stored before.
    const count = Math.ceil(file.size / FILE_CHUNK_BYTES);
    expect(taken.slice(1).reduce((sum, chunks) => sum + chunks, 0)).to.equal(count - have);
    const saved = await bob.files.toSave(fileIdOf(bob));
    expect(await sha256(saved!.blob)).to.equal(await sha256(file));
  });

  it('resumes after the receiver reloads mid-transfer', async function () {
    this.timeout(30_000);
    const [alice] = await pair(firstLinkStalls(room, STALLED_AFTER, []));
    const file = randomFile(MID_TRANSFER_BYTES);
    await alice.sendFiles([file]);
    // All that the stalled link let through is stored, and nothing more can come over it.
    const have = STALLED_AFTER;
    await untilStored(room, 'bob', have);
    room.leave('bob');
    alice.server.userOffline('bob');
    const counted = { chunks: 0 };
    const bob2 = await room.join('bob', { createLink: countingChunks(room, counted) });
    bob2.server.welcome(['alice'], [], []);
    alice.server.userOnline('bob');
    await bob2.selectPerson('alice');
    await room.until(() => fileOf(bob2)?.state === 'complete');
    // The reloaded page asked for the rest and nothing stored before.
    expect(counted.chunks).to.equal(Math.ceil(file.size / FILE_CHUNK_BYTES) - have);
    const saved = await bob2.files.toSave(fileIdOf(bob2));
    expect(await sha256(saved!.blob)).to.equal(await sha256(file));
  });

  it('catches a chunk damaged on the way by the hash, and keeps nothing of it', async function () {
    this.timeout(30_000);
    // Bob's link flips one byte of one chunk it receives: what a broken path (or peer) would do.
    let damaged = false;
    const [alice, bob] = await pair((options, handlers) => {
      return new PeerConnection(options, {
        ...handlers,
        onBinary: (data) => {
          if (!damaged && data[0] === CHUNK_FRAME_TAG && data.byteLength > CHUNK_HEADER_BYTES + 100) {
            damaged = true;
            data[CHUNK_HEADER_BYTES + 99]! ^= 0xff;
          }
          handlers.onBinary(data);
        },
      });
    });
    await alice.sendFiles([randomFile(2 * MiB)]);
    await room.until(() => fileOf(bob)?.state === 'failed');
    expect(damaged).to.equal(true);
    expect(fileOf(bob)?.detail).to.contain('damaged');
    expect(fileOf(bob)?.canRetry).to.equal(true);
    expect(await bob.files.toSave(fileIdOf(bob))).to.equal(null);
    await room.until(() => fileOf(alice)?.detail === 'It reached bob damaged.');
    // Trying again fetches it whole (only the first chunk was damaged).
    await bob.files.retry(fileIdOf(bob));
    await room.until(() => fileOf(bob)?.state === 'complete');
  });

  it('sends to every member of a group, each over their own connection', async function () {
    this.timeout(30_000);
    const group: Group = {
      id: 'g' + 'a'.repeat(24),
      name: 'Trio',
      creator: 'alice',
      createdAt: 1,
      members: ['alice', 'bob', 'carol'].map((user) => ({ user, since: 1 })),
    };
    const people = ['alice', 'bob', 'carol'];
    const messengers = await Promise.all(people.map((user) => room.join(user)));
    for (const [index, messenger] of messengers.entries()) {
      messenger.server.welcome(
        people.filter((_, other) => other !== index),
        [group],
        [],
      );
      await messenger.selectConversation(`group:${group.id}`);
    }
    const [alice, bob, carol] = messengers as [Messenger, Messenger, Messenger];
    const file = randomFile(MiB + 7, 'for-all.bin');
    await alice.sendFiles([file]);
    await room.until(
      () =>
        fileOf(bob)?.state === 'complete' &&
        fileOf(carol)?.state === 'complete' &&
        fileOf(alice)?.state === 'complete',
    );
    for (const member of [bob, carol]) {
      const saved = await member.files.toSave(fileIdOf(member));
      expect(await sha256(saved!.blob)).to.equal(await sha256(file));
    }
  });

  it('gives a member who was offline the file from another member once the author has gone', async function () {
    this.timeout(30_000);
    const group: Group = {
      id: 'g' + 'b'.repeat(24),
      name: 'Trio',
      creator: 'alice',
      createdAt: 1,
      members: ['alice', 'bob', 'carol'].map((user) => ({ user, since: 1 })),
    };
    const alice = await room.join('alice');
    const bob = await room.join('bob');
    alice.server.welcome(['bob'], [group], []);
    bob.server.welcome(['alice'], [group], []);
    await alice.selectConversation(`group:${group.id}`);
    await bob.selectConversation(`group:${group.id}`);
    const file = randomFile(2 * MiB + 3, 'for-carol.bin');
    await alice.sendFiles([file]);
    await room.until(() => fileOf(bob)?.state === 'complete');
    // Alice leaves before Carol comes: Carol catches up the offer from Bob, and the bytes too.
    room.leave('alice');
    bob.server.userOffline('alice');
    const carol = await room.join('carol');
    carol.server.welcome(['bob'], [group], []);
    bob.server.userOnline('carol');
    await carol.selectConversation(`group:${group.id}`);
    await room.until(() => fileOf(carol)?.state === 'complete');
    const saved = await carol.files.toSave(fileIdOf(carol));
    expect(await sha256(saved!.blob)).to.equal(await sha256(file));
  });

  it('checks a file chosen again in its row’s scheme: the whole-file SHA-256 for a row of before the block digest', async function () {
    this.timeout(30_000);
    const alice = await room.join('alice', { keepOutgoingFileBytes: MiB });
    alice.server.welcome([], [], []);
    await alice.selectPerson('bob');
    const file = randomFile(3 * MiB, 'old.bin');
    await alice.sendFiles([file]);
    const id = fileIdOf(alice);
    const files = room.stores.get('alice')!.files;
    await room.until(async () => (await files.get(id)) !== null);
    // The row as a sender stored it before the block scheme: no scheme, the whole file's SHA-256.
    const row = (await files.get(id))!;
    const { hashScheme: _scheme, ...info } = row.info;
    await files.put({ ...row, info: { ...info, hash: await sha256(file) } });
    room.leave('alice');
    const alice2 = await room.join('alice', { keepOutgoingFileBytes: MiB });
    alice2.server.welcome([], [], []);
    await alice2.selectPerson('bob');
    await room.until(() => fileOf(alice2)?.state === 'needs-file');
    await alice2.files.chooseAgain(id, randomFile(3 * MiB, 'other.bin'));
    expect(fileOf(alice2)?.detail).to.contain('other contents');
    await alice2.files.chooseAgain(id, file);
    expect(fileOf(alice2)?.detail ?? '').not.to.contain('not the same file');
    expect(fileOf(alice2)?.state).not.to.equal('needs-file');
  });

  it('asks a sender who reloaded to choose a big file again, then finishes', async function () {
    this.timeout(30_000);
    // Files over 64 MiB are not kept; this test lowers the limit to 1 MiB rather than move 65 MiB.
    const alice = await room.join('alice', { keepOutgoingFileBytes: MiB });
    alice.server.welcome([], [], []);
    await alice.selectPerson('bob');
    const file = randomFile(3 * MiB, 'huge.bin');
    await alice.sendFiles([file]);
    room.leave('alice');
    const alice2 = await room.join('alice', { keepOutgoingFileBytes: MiB });
    alice2.server.welcome(['bob'], [], []);
    await alice2.selectPerson('bob');
    await room.until(() => fileOf(alice2)?.state === 'needs-file');
    const bob = await room.join('bob');
    bob.server.welcome(['alice'], [], []);
    alice2.server.userOnline('bob');
    await bob.selectPerson('alice');
    // Bob never wrote to Alice: he asks for the file.
    await room.until(() => fileOf(bob)?.state === 'offered');
    await bob.files.download(fileIdOf(bob));
    await room.until(() => fileOf(bob)?.state === 'waiting' && fileOf(bob)?.detail !== null);
    await alice2.files.chooseAgain(fileIdOf(alice2), file);
    // Bob's last ack reaches Alice a moment after Bob has the file: wait for both.
    await room.until(() => fileOf(bob)?.state === 'complete' && fileOf(alice2)?.state === 'complete');
  });
});
