import { expect } from '@open-wc/testing';
import { OpenConversation } from '../../../../client/app/conversations/open-conversation.js';
import {
  NO_REACTIONS,
  ReactionFold,
  raisesAttention,
} from '../../../../client/app/conversations/reactions.js';
import type { StoredMessage } from '../../../../client/storage/stored-message.js';

const TARGET = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
let nextId = 0;

/** A reaction message by `author`, its `seq`th in the conversation. */
function reaction(author: string, seq: number, emoji: string, on = true, target = TARGET): StoredMessage {
  nextId += 1;
  return {
    id: nextId.toString(16).padStart(32, '0'),
    conversation: 'dm:alice:bob',
    author,
    seq,
    sentAt: 1_000 + seq,
    reaction: { target, emoji, on },
    recipients: [],
    deliveredTo: [],
    sent: true,
  };
}

function text(id: string, sentAt: number, body: string): StoredMessage {
  return {
    id,
    conversation: 'dm:alice:bob',
    author: 'bob',
    seq: sentAt,
    sentAt,
    text: body,
    recipients: [],
    deliveredTo: [],
    sent: false,
  };
}

const counts = (fold: ReactionFold, target = TARGET) =>
  fold.summaryOf(target).map(({ emoji, count, mine }) => `${emoji}${count}${mine ? '*' : ''}`);

describe('ReactionFold', () => {
  it('counts each emoji once per author, in the order the emoji appeared, and knows which are mine', () => {
    const fold = new ReactionFold('alice');
    fold.add(reaction('bob', 1, '👍'));
    fold.add(reaction('alice', 1, '🎉'));
    fold.add(reaction('alice', 2, '👍'));
    expect(counts(fold)).to.deep.equal(['👍2*', '🎉1*']);
    expect(fold.summaryOf(TARGET)[0]?.authors).to.deep.equal(['bob', 'alice']);
    expect(fold.isOn(TARGET, '👍')).to.equal(true);
    expect(fold.isOn(TARGET, '👍', 'bob')).to.equal(true);
    expect(fold.isOn(TARGET, '😢')).to.equal(false);
  });

  it('turns a reaction off with a later one of the same author, and on again', () => {
    const fold = new ReactionFold('alice');
    fold.add(reaction('alice', 1, '👍'));
    fold.add(reaction('bob', 1, '👍'));
    expect(fold.add(reaction('alice', 2, '👍', false))).to.equal(TARGET);
    expect(counts(fold)).to.deep.equal(['👍1']);
    fold.add(reaction('bob', 2, '👍', false));
    expect(fold.summaryOf(TARGET)).to.equal(NO_REACTIONS);
    fold.add(reaction('alice', 3, '👍'));
    expect(counts(fold)).to.deep.equal(['👍1*']);
  });

  it('lets the latest seq win when reactions arrive out of order', () => {
    const fold = new ReactionFold('alice');
    fold.add(reaction('bob', 5, '👍', false));
    expect(fold.add(reaction('bob', 4, '👍', true))).to.equal(null);
    expect(fold.summaryOf(TARGET)).to.equal(NO_REACTIONS);
    fold.add(reaction('bob', 7, '❤️', true));
    fold.add(reaction('bob', 6, '❤️', false));
    expect(counts(fold)).to.deep.equal(['❤️1']);
  });

  it('keeps one author’s emoji apart from another’s, and one target apart from another', () => {
    const fold = new ReactionFold('alice');
    fold.add(reaction('bob', 1, '👍'));
    fold.add(reaction('carol', 1, '👍'));
    fold.add(reaction('carol', 2, '👍', false, OTHER));
    fold.add(reaction('bob', 2, '😂', true, OTHER));
    expect(counts(fold)).to.deep.equal(['👍2']);
    expect(counts(fold, OTHER)).to.deep.equal(['😂1']);
  });

  it('keeps a target’s summaries the same array until its reactions change', () => {
    const fold = new ReactionFold('alice');
    fold.add(reaction('bob', 1, '👍'));
    const before = fold.summaryOf(TARGET);
    fold.add(reaction('bob', 2, '😂', true, OTHER));
    fold.add(reaction('bob', 1, '👍'));
    expect(fold.summaryOf(TARGET)).to.equal(before);
    fold.add(reaction('carol', 1, '👍'));
    expect(fold.summaryOf(TARGET)).not.to.equal(before);
  });

  it('does not count reactions of someone who may not react here', () => {
    const members = new Set(['alice', 'bob']);
    const fold = new ReactionFold('alice', (author) => members.has(author));
    fold.add(reaction('bob', 1, '👍'));
    fold.add(reaction('mallory', 1, '👍'));
    expect(counts(fold)).to.deep.equal(['👍1']);
    members.add('mallory');
    fold.membershipChanged();
    expect(counts(fold)).to.deep.equal(['👍2']);
  });

  it('says reactions never call for attention, and other messages do', () => {
    expect(raisesAttention(reaction('bob', 1, '👍'))).to.equal(false);
    expect(raisesAttention(text(OTHER, 1, 'hi'))).to.equal(true);
  });
});

describe('OpenConversation with reactions', () => {
  it('does not show reactions as messages and gives each message its reactions', () => {
    const open = new OpenConversation('dm:alice:bob', 'alice', () => null);
    open.set([text(TARGET, 1, 'hi'), reaction('bob', 2, '👍'), text(OTHER, 3, 'there')]);
    expect(open.views.map((view) => view.text)).to.deep.equal(['hi', 'there']);
    expect(open.views[0]?.reactions.map((r) => r.emoji)).to.deep.equal(['👍']);
    expect(open.views[1]?.reactions).to.equal(NO_REACTIONS);
  });

  it('holds a reaction to a message not loaded yet until the message comes', () => {
    const open = new OpenConversation('dm:alice:bob', 'alice', () => null);
    open.set([text(OTHER, 1, 'there')]);
    const early = reaction('bob', 3, '🎉');
    open.upsert(early);
    expect(open.has(early.id)).to.equal(true);
    expect(open.views.map((view) => view.text)).to.deep.equal(['there']);
    open.upsert(text(TARGET, 2, 'hi'));
    expect(open.views.find((view) => view.text === 'hi')?.reactions.map((r) => r.emoji)).to.deep.equal([
      '🎉',
    ]);
  });

  it('makes a new view only for the message whose reactions changed', () => {
    const open = new OpenConversation('dm:alice:bob', 'alice', () => null);
    open.set([text(TARGET, 1, 'hi'), text(OTHER, 2, 'there')]);
    const [first, second] = open.views;
    open.upsert(reaction('bob', 3, '👍'));
    const [firstAfter, secondAfter] = open.views;
    expect(firstAfter).not.to.equal(first);
    expect(firstAfter?.reactions[0]?.count).to.equal(1);
    expect(secondAfter).to.equal(second);
    const views = open.views;
    open.upsert(reaction('bob', 2, '👍', false));
    expect(open.views).to.equal(views);
  });
});
