// EditFold: edits and deletions folded into what a message shows — and only its author's count.
import { expect } from '@open-wc/testing';
import { EditFold } from '../../../../client/app/conversations/message-edits.js';
import type { ActionMessage } from '../../../../client/app/conversations/message-edits.js';

const TARGET = 'a'.repeat(32);
const HASH = 'c'.repeat(64);
let nextId = 0;

function action(author: string, seq: number, body: Pick<ActionMessage, 'edit' | 'tombstone'>): ActionMessage {
  nextId += 1;
  return { id: nextId.toString(16).padStart(32, '0'), author, seq, ...body };
}

const edit = (author: string, seq: number, text: string) =>
  action(author, seq, { edit: { target: TARGET, text } });
const tombstone = (author: string, seq: number) =>
  action(author, seq, { tombstone: { target: TARGET, seq: 1, sentAt: 1_000, hash: HASH } });

describe('EditFold', () => {
  it("shows the author's latest edit, by seq, whatever order the edits came in", () => {
    const fold = new EditFold();
    fold.add(edit('alice', 3, 'third'));
    fold.add(edit('alice', 2, 'second'));
    expect(fold.amend(TARGET, 'alice', 'first')).to.deep.equal({
      text: 'third',
      edited: true,
      deleted: false,
    });
  });

  it("refuses an edit by someone who is not the message's author", () => {
    const fold = new EditFold();
    fold.add(edit('mallory', 9, 'forged'));
    expect(fold.amend(TARGET, 'alice', 'the real thing')).to.deep.equal({
      text: 'the real thing',
      edited: false,
      deleted: false,
    });
  });

  it("refuses a tombstone by someone who is not the message's author, and heeds the author's", () => {
    const fold = new EditFold();
    fold.add(tombstone('mallory', 9));
    expect(fold.amend(TARGET, 'alice', 'the real thing').deleted).to.equal(false);
    fold.add(tombstone('alice', 2));
    expect(fold.amend(TARGET, 'alice', 'the real thing')).to.deep.equal({
      text: '',
      edited: false,
      deleted: true,
    });
  });

  it('shows a row stored as deleted as deleted, edits or not', () => {
    const fold = new EditFold();
    fold.add(edit('alice', 2, 'changed'));
    expect(fold.amend(TARGET, 'alice', '', true)).to.deep.equal({ text: '', edited: false, deleted: true });
  });
});
