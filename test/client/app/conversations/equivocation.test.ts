// The chain review of a stored catch-up batch (equivocation.ts) on a real store. It runs while the
// next batch is stored (group-sync.ts acks once it is done), so it must read the store as the batch
// it reviews left it: a later batch is that batch's own review's business, never this one's too.
import { expect } from '@open-wc/testing';
import { reviewChain } from '../../../../client/app/conversations/equivocation.js';
import type { Equivocation } from '../../../../client/app/conversations/equivocation.js';
import { messageHash } from '../../../../client/app/identity/message-signing.js';
import { storeEachTest } from '../../helpers/store-each-test.js';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';

const conversation = groupConversationId('g' + 'e'.repeat(24));

/** Alice's messages 1…n, each naming the one before (`prev`), signed in shape. */
async function chain(n: number): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  for (let seq = 1; seq <= n; seq += 1) {
    const message: ChatMessage = {
      id: seq.toString(16).padStart(32, '0'),
      conversation,
      author: 'alice',
      seq,
      sentAt: 1000 + seq,
      text: `said ${seq}`,
      sig: 'ab'.repeat(64),
    };
    const before = messages.at(-1);
    if (before) message.prev = await messageHash(before);
    messages.push(message);
  }
  return messages;
}

describe('reviewChain', () => {
  const bobs = storeEachTest('bob');

  function deps(found: Equivocation[], warned: string[]) {
    return {
      store: bobs(),
      warn: (text: string) => warned.push(text),
      found: (e: Equivocation) => found.push(e),
    };
  }

  it('finds a stored message that names another predecessor', async () => {
    const [one, two, three] = await chain(3);
    const forked = { ...three!, id: 'f'.repeat(32), prev: 'cd'.repeat(32) };
    await bobs().addIncomingBatch(conversation, [forked], { unread: false });
    await bobs().addIncomingBatch(conversation, [one!, two!], { unread: false });
    const found: Equivocation[] = [];
    await reviewChain(deps(found, []), 'carol', [one!, two!]);
    expect(found.map((evidence) => [evidence.seq, evidence.kept.id])).to.deep.equal([[2, two!.id]]);
  });

  it('reads the store as the batch left it, even while the next batch is stored', async () => {
    const messages = await chain(4);
    const [one, two, three] = messages;
    // Seq 4 names another seq 3: its own batch's review finds that, not this one's.
    const four = { ...messages[3]!, prev: 'cd'.repeat(32) };
    await bobs().addIncomingBatch(conversation, [one!, two!, three!], { unread: false });
    const found: Equivocation[] = [];
    const reviewed = reviewChain(deps(found, []), 'carol', [one!, two!, three!]);
    await bobs().addIncomingBatch(conversation, [four], { unread: false });
    await reviewed;
    expect(found, 'nothing found in the first batch').to.deep.equal([]);
  });
});
