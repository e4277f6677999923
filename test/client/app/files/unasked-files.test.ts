import { expect } from '@open-wc/testing';
import { FetchPolicy, UNASKED_WINDOW_MS } from '../../../../client/app/files/fetch-policy.js';
import { UnaskedLedger } from '../../../../client/storage/unasked-ledger.js';
import type { Messenger } from '../../../../client/app/messenger.js';
import type { FileView } from '../../../../client/app/conversations/message-view.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';

const MiB = 1024 * 1024;
const fileOf = (m: Messenger): FileView | null =>
  m.openConversation?.messages.find((message) => message.file)?.file ?? null;
const fileIdOf = (m: Messenger): string =>
  m.openConversation?.messages.find((message) => message.file)?.id ?? '';

function file(bytes: number, name: string): File {
  return new File([new Uint8Array(bytes).fill(7)], name, { type: 'application/octet-stream' });
}

describe('files nobody asked for', () => {
  let room: MessengerRoom;
  beforeEach(() => {
    room = new MessengerRoom();
  });
  afterEach(async () => {
    await room.close();
  });

  async function pair(bobOptions: { autoFetchBytes?: number } = {}): Promise<[Messenger, Messenger]> {
    const alice = await room.join('alice');
    const bob = await room.join('bob', bobOptions);
    alice.server.welcome(['bob'], [], []);
    bob.server.welcome(['alice'], [], []);
    await alice.selectPerson('bob');
    await bob.selectPerson('alice');
    return [alice, bob];
  }

  it('offers a file from someone never written to, fetching nothing until Download', async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair();
    await alice.sendFiles([file(100_000, 'from-a-stranger.bin')]);
    await room.until(() => fileOf(bob)?.state === 'offered');
    const view = fileOf(bob)!;
    expect([view.name, view.size, view.canDownload, view.canSave]).to.deep.equal([
      'from-a-stranger.bin',
      100_000,
      true,
      false,
    ]);
    const row = await room.stores.get('bob')!.files.get(fileIdOf(bob));
    expect([row?.status, row?.have]).to.deep.equal(['offered', 0]);
    // Not resumed after a reload either: it still waits to be asked for.
    expect((await room.stores.get('bob')!.files.unfinished()).map((r) => r.id)).not.to.include(row?.id);
    // The sender's card says bob has it offered, not that bob is away; once he is, it says so.
    expect(fileOf(alice)?.detail).to.equal('Offered to bob: waiting for them to download it.');
    alice.server.userOffline('bob');
    expect(fileOf(alice)?.detail).to.equal('Waiting for bob to come online.');
    alice.server.userOnline('bob');
    await bob.files.download(fileIdOf(bob));
    await room.until(() => fileOf(bob)?.state === 'complete');
  });

  it('fetches a small file from someone written to, and offers one above the size setting', async function () {
    this.timeout(30_000);
    const [alice, bob] = await pair({ autoFetchBytes: MiB });
    await bob.send('send me the notes');
    await alice.sendFiles([file(MiB, 'small.bin')]);
    await room.until(() => fileOf(bob)?.state === 'complete');
    await alice.sendFiles([file(MiB + 1, 'big.bin')]);
    const big = () => bob.openConversation?.messages.filter((m) => m.file)[1]?.file;
    await room.until(() => big()?.state === 'offered');
    expect(big()?.canDownload).to.equal(true);
  });
});

describe('FetchPolicy', () => {
  it('caps what one peer may have fetched unasked, per peer', async () => {
    const policy = new FetchPolicy({
      autoFetchBytes: 10,
      unaskedBytesPerPeer: 25,
      talkedTo: async () => true,
    });
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push(await policy.fetchesUnasked('mallory', 'c', 10));
    expect(taken).to.deep.equal([true, true, false]);
    expect(await policy.fetchesUnasked('mallory', 'c', 5)).to.equal(true);
    expect(await policy.fetchesUnasked('bob', 'c', 10)).to.equal(true);
    expect(await policy.fetchesUnasked('bob', 'c', 11)).to.equal(false);
  });

  it("keeps a peer's total across a reload, and starts it again once the window has passed", async () => {
    localStorage.removeItem('parley:unasked:ledger-test');
    let now = 1_000_000_000;
    const policy = () =>
      new FetchPolicy({
        autoFetchBytes: 10,
        unaskedBytesPerPeer: 25,
        ledger: new UnaskedLedger('ledger-test'),
        now: () => now,
        talkedTo: async () => true,
      });
    const first = policy();
    expect([
      await first.fetchesUnasked('mallory', 'c', 10),
      await first.fetchesUnasked('mallory', 'c', 10),
    ]).to.deep.equal([true, true]);
    // The page reloads: mallory's total is still 20 of 25.
    const reloaded = policy();
    expect(await reloaded.fetchesUnasked('mallory', 'c', 10)).to.equal(false);
    expect(await reloaded.fetchesUnasked('mallory', 'c', 5)).to.equal(true);
    now += UNASKED_WINDOW_MS + 1;
    expect(await policy().fetchesUnasked('mallory', 'c', 10)).to.equal(true);
    localStorage.setItem('parley:unasked:ledger-test', '{"mallory": "not a total"}');
    expect(await policy().fetchesUnasked('mallory', 'c', 10)).to.equal(true);
    localStorage.removeItem('parley:unasked:ledger-test');
  });

  it('fetches nothing unasked from someone not talked to', async () => {
    const policy = new FetchPolicy({ talkedTo: async (author) => author === 'bob' });
    expect(await policy.fetchesUnasked('mallory', 'c', 1)).to.equal(false);
    expect(await policy.fetchesUnasked('bob', 'c', 1)).to.equal(true);
  });
});
