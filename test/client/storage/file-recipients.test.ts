// Outgoing files end: once every recipient has the whole file (or declined it), the row is complete
// and no longer resumed. Real IndexedDB.
import { expect } from '@open-wc/testing';
import { deleteAccountStore, openAccountStore } from '../../../client/storage/account-store.js';
import type { AccountStore } from '../../../client/storage/account-store.js';
import type { ProtocolError } from '../../../shared/errors.js';
import { dm, fileId, incoming, outgoing, user } from './file-rows.js';

describe('FileStore.recipientHasAll', () => {
  let store: AccountStore;
  const badRows: ProtocolError[] = [];

  beforeEach(async () => {
    store = await openAccountStore(user, { onBadRow: (error) => badRows.push(error) });
  });

  afterEach(async () => {
    store.close();
    await deleteAccountStore(user);
    expect(badRows.splice(0), 'no stored row should have been damaged').to.deep.equal([]);
  });

  async function unfinishedIds(): Promise<string[]> {
    return (await store.files.unfinished()).map((row) => row.id);
  }

  it('completes an outgoing file once every recipient has it, and then no longer lists it as unfinished', async () => {
    await store.files.put(outgoing(1, null, { recipients: ['bob', 'carol'] }));

    const half = await store.files.recipientHasAll(fileId(1), 'bob');
    expect(half?.completedBy).to.deep.equal(['bob']);
    expect(half?.status).to.equal('pending');
    expect(await unfinishedIds()).to.deep.equal([fileId(1)]);

    const whole = await store.files.recipientHasAll(fileId(1), 'carol');
    expect(whole?.completedBy).to.deep.equal(['bob', 'carol']);
    expect(whole?.status).to.equal('complete');
    expect(await unfinishedIds()).to.deep.equal([]);
    expect(await store.files.get(fileId(1))).to.deep.equal(whole);
  });

  it('records a recipient once, however often it is told', async () => {
    await store.files.put(outgoing(1, null, { recipients: ['bob', 'carol'] }));
    await store.files.recipientHasAll(fileId(1), 'bob');
    const again = await store.files.recipientHasAll(fileId(1), 'bob');
    expect(again?.completedBy).to.deep.equal(['bob']);
    expect(again?.status).to.equal('pending');
  });

  it('does not wait for a recipient who declined the file', async () => {
    await store.files.put(
      outgoing(1, null, { recipients: ['bob', 'carol'], declined: { carol: 'carol had no room.' } }),
    );
    expect((await store.files.recipientHasAll(fileId(1), 'bob'))?.status).to.equal('complete');
  });

  it('lets a member who was not a recipient have it without holding completion back', async () => {
    await store.files.put(outgoing(1, null, { recipients: ['bob'] }));
    const row = await store.files.recipientHasAll(fileId(1), 'dave');
    expect(row?.completedBy).to.deep.equal(['dave']);
    expect(row?.status).to.equal('pending');
  });

  it("takes the recipients of the file's message when the row has none, and stores them on the row", async () => {
    const info = outgoing(1, null).info;
    await store.addOwnMessage({ id: fileId(1), conversation: dm, sentAt: 1000, file: info }, [
      'bob',
      'carol',
    ]);
    await store.files.put(outgoing(1, null));

    const half = await store.files.recipientHasAll(fileId(1), 'carol');
    expect(half?.recipients).to.deep.equal(['bob', 'carol']);
    expect(half?.status).to.equal('pending');
    expect((await store.files.recipientHasAll(fileId(1), 'bob'))?.status).to.equal('complete');
  });

  it('keeps a row pending when neither it nor a message says who must get it', async () => {
    await store.files.put(outgoing(1, null));
    const row = await store.files.recipientHasAll(fileId(1), 'bob');
    expect(row?.completedBy).to.deep.equal(['bob']);
    expect(row?.status).to.equal('pending');
    expect(row?.recipients).to.equal(undefined);
  });

  it('leaves a cancelled file cancelled', async () => {
    await store.files.put(outgoing(1, null, { recipients: ['bob'], status: 'cancelled', cancelledBy: user }));
    expect((await store.files.recipientHasAll(fileId(1), 'bob'))?.status).to.equal('cancelled');
  });

  it('answers null, changing nothing, for an unknown or incoming file', async () => {
    const row = incoming(2, 10);
    await store.files.put(row);
    expect(await store.files.recipientHasAll(fileId(1), 'bob')).to.equal(null);
    expect(await store.files.recipientHasAll(fileId(2), 'bob')).to.equal(null);
    expect(await store.files.get(fileId(2))).to.deep.equal(row);
  });
});
