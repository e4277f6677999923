// Upgrading a version 3 database (as release 3 wrote it) to version 4: outgoing file rows learn their
// recipients, and those everyone already has stop being resumed. Nothing stored is lost.
import { expect } from '@open-wc/testing';
import { ACCOUNT_DB_VERSION } from '../../../client/storage/account-db.js';
import { ErrorCode } from '../../../shared/errors.js';
import { incoming, outgoing } from './file-rows.js';
import { aliceDatabase, createVersion3, dm, messageId, ownRow, rawGet, rawPut } from './raw-db.js';

/** The message that carries own file `n`, sent to `recipients`. */
function fileMessage(n: number, recipients: string[]) {
  const { text: _text, ...row } = ownRow(n, dm, 1000 + n, recipients);
  return { ...row, file: outgoing(n, null).info };
}

describe('account database: upgrading from version 3', () => {
  const { badRows, open, openRaw } = aliceDatabase();

  // Rows as release 3 wrote them: outgoing rows without recipients, pending however many had them.
  const everyoneHasIt = outgoing(1, null, { completedBy: ['bob', 'carol'] });
  const bobLacksIt = outgoing(2, null, { completedBy: ['carol'] });
  const carolDeclined = outgoing(3, null, {
    completedBy: ['bob'],
    declined: { carol: 'carol cancelled it.' },
  });
  const noMessage = outgoing(4, null, { completedBy: ['bob'] });
  const damaged = { ...outgoing(5, null, { completedBy: ['bob'] }), have: -1 };
  const incomingFile = incoming(6, 10);

  async function writeVersion3(): Promise<void> {
    const db = await openRaw(3, createVersion3);
    await rawPut(db, 'messages', [
      fileMessage(1, ['bob', 'carol']),
      fileMessage(2, ['bob', 'carol']),
      fileMessage(3, ['bob', 'carol']),
      fileMessage(5, ['bob']),
    ]);
    await rawPut(db, 'files', [everyoneHasIt, bobLacksIt, carolDeclined, noMessage, damaged, incomingFile]);
    db.close();
  }

  it('completes the outgoing files every recipient has or declined, which are then no longer unfinished', async () => {
    await writeVersion3();
    const store = await open();
    expect((await store.files.unfinished()).map((row) => row.id).sort()).to.deep.equal([
      messageId(2),
      messageId(4),
      messageId(6),
    ]);
    expect(await store.files.get(messageId(1))).to.deep.equal({
      ...everyoneHasIt,
      recipients: ['bob', 'carol'],
      status: 'complete',
    });
    expect((await store.files.get(messageId(3)))?.status).to.equal('complete');
  });

  it('gives the others their recipients, so the last one to get the file completes it', async () => {
    await writeVersion3();
    const store = await open();
    expect(await store.files.get(messageId(2))).to.deep.equal({
      ...bobLacksIt,
      recipients: ['bob', 'carol'],
    });
    expect((await store.files.recipientHasAll(messageId(2), 'bob'))?.status).to.equal('complete');
  });

  it('keeps rows it cannot read, or whose message it cannot find, exactly as they were', async () => {
    await writeVersion3();
    const store = await open();
    expect(await store.files.get(messageId(4))).to.deep.equal(noMessage);
    expect(await store.files.get(messageId(6))).to.deep.equal(incomingFile);
    expect(await store.files.get(messageId(5))).to.equal(null);
    expect(badRows.map((error) => error.code)).to.deep.equal([ErrorCode.BadRow]);
    store.close();
    const db = await openRaw(ACCOUNT_DB_VERSION);
    expect(db.version).to.equal(ACCOUNT_DB_VERSION);
    expect(await rawGet(db, 'files', messageId(5))).to.deep.equal(damaged);
  });
});
