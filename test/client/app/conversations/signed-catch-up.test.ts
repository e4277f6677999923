// Signed messages in group catch-up, through alice's real messenger (real IndexedDB, real WebCrypto,
// real data channels): mallory and carol are hostile or honest members forwarding bob's messages.
// Bob's key is pinned at alice (an earlier hello); dave's is not. Each check of the way in has a
// case here that fails without it: the signature check of forwarded and live messages, the refusal
// of unsigned ones, equivocation, and settling what was held once its author's key is known.
import { expect } from '@open-wc/testing';
import type { Messenger } from '../../../../client/app/messenger.js';
import { groupConversationId } from '../../../../shared/peer-protocol.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';
import type { Group } from '../../../../shared/protocol.js';
import { messageHash } from '../../../../client/app/identity/message-signing.js';
import { MessengerRoom } from '../../helpers/messenger-room.js';
import type { RawPeer } from '../../helpers/messenger-room.js';
import { TestKeys, draft, signedBy } from '../../helpers/signed-messages.js';

const HOUR = 3_600_000;
const groupId = 'g' + 'd'.repeat(24);
const conversation = groupConversationId(groupId);

function club(now: number): Group {
  return {
    id: groupId,
    name: 'club',
    creator: 'bob',
    createdAt: now - HOUR,
    members: ['alice', 'bob', 'carol', 'dave', 'mallory'].map((user) => ({ user, since: now - HOUR })),
  };
}

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return draft(conversation, overrides);
}

describe('signed messages in catch-up', () => {
  let room: MessengerRoom;
  let alice: Messenger;
  let mallory: RawPeer;
  let carol: RawPeer;
  let keys: TestKeys;

  beforeEach(async function () {
    // Two real peer connections (hellos included): well under a second when idle, several with two
    // busy cores. Not a race: mocha's 5 s default is just short for a loaded machine.
    this.timeout(20_000);
    room = new MessengerRoom();
    keys = new TestKeys();
    alice = await room.join('alice');
    await room.stores.get('alice')?.identity.savePin('bob', (await keys.of('bob')).identity, false);
    alice.server.welcome(['mallory', 'carol'], [club(Date.now())], []);
    await alice.selectConversation(conversation);
    mallory = await room.rawPeer('mallory', 'alice', await keys.of('mallory'));
    carol = await room.rawPeer('carol', 'alice', await keys.of('carol'));
  });
  afterEach(async () => {
    await room.close();
  });

  async function stored(): Promise<string[]> {
    const rows = (await room.stores.get('alice')?.listConversation(conversation)) ?? [];
    return rows.map((row) => row.text ?? '');
  }

  /** `peer` forwards `messages` (as they are) in one batch; resolves once alice acked it. */
  async function forward(peer: RawPeer, messages: ChatMessage[]): Promise<void> {
    const from = peer.received.length;
    peer.send('alice', { type: 'sync-batch', conversation, messages });
    await room.answered(
      peer,
      messages.map((m) => m.id),
      from,
    );
  }

  const warnings = () => room.warnings.join('\n');

  it('drops a forwarded message that its author did not sign, and takes the honest one from another member', async () => {
    const honest = await signedBy(await keys.of('bob'), message({ text: 'meet at noon' }));
    // Mallory writes in bob's name and signs with her own key.
    const forged = await signedBy(await keys.of('mallory'), { ...honest, text: 'meet at midnight' });
    await forward(mallory, [forged]);
    expect(await stored()).to.deep.equal([]);
    expect(warnings()).to.match(/mallory forwarded a message of bob whose signature does not verify/);
    await forward(carol, [honest]);
    expect(await stored()).to.deep.equal(['meet at noon']);
    expect(alice.openConversation?.messages.map((m) => [m.text, m.authorship])).to.deep.equal([
      ['meet at noon', 'signed'],
    ]);
  });

  it('drops a forwarded message with one byte changed, and takes the honest one from another member', async () => {
    const honest = await signedBy(await keys.of('bob'), message({ text: 'pay 100' }));
    await forward(mallory, [{ ...honest, text: 'pay 900' }]);
    await forward(mallory, [{ ...honest, sentAt: honest.sentAt + 1 }]);
    // The chain link is signed too: a forwarder cannot graft the message onto another history.
    await forward(mallory, [{ ...honest, prev: 'ab'.repeat(32) }]);
    expect(await stored()).to.deep.equal([]);
    expect(room.warnings.filter((w) => /signature does not verify/.test(w))).to.have.length(3);
    await forward(carol, [honest]);
    expect(await stored()).to.deep.equal(['pay 100']);
  });

  it('refuses unsigned messages, forwarded or live', async () => {
    const { sig: _sig, ...unsigned } = await signedBy(await keys.of('bob'), message({ text: 'no sig' }));
    await forward(mallory, [unsigned]);
    const live = message({ author: 'mallory', text: 'live, no sig' });
    const good = await signedBy(
      await keys.of('mallory'),
      message({ author: 'mallory', seq: 2, text: 'signed' }),
    );
    mallory.send('alice', { type: 'message', message: live });
    mallory.send('alice', { type: 'message', message: good });
    await room.answered(mallory, [good.id]);
    expect(await stored()).to.deep.equal(['signed']);
    expect(warnings()).to.match(/mallory forwarded a message of bob without a signature/);
    expect(warnings()).to.match(/mallory sent a message without a signature/);
  });

  it('refuses a live message signed by another key than the one its sender proved', async () => {
    const forged = await signedBy(await keys.of('bob'), message({ author: 'mallory', text: 'not her key' }));
    const good = await signedBy(
      await keys.of('mallory'),
      message({ author: 'mallory', seq: 2, text: 'hers' }),
    );
    mallory.send('alice', { type: 'message', message: forged });
    mallory.send('alice', { type: 'message', message: good });
    await room.answered(mallory, [good.id]);
    expect(await stored()).to.deep.equal(['hers']);
    expect(alice.openConversation?.messages.map((m) => m.text)).to.deep.equal(['hers']);
    expect(warnings()).to.match(/mallory sent a message whose signature does not verify/);
  });

  it('flags a replayed position with other content, signed by its author, as equivocation', async () => {
    const bob = await keys.of('bob');
    const first = await signedBy(bob, message({ seq: 1, text: 'I vote yes' }));
    const second = await signedBy(bob, message({ seq: 1, text: 'I vote no' }));
    await forward(carol, [first]);
    await forward(mallory, [second]);
    expect(await stored()).to.deep.equal(['I vote yes']);
    expect(warnings()).to.match(/bob signed conflicting messages at seq 1/);
    const notices = alice.openConversation?.notices ?? [];
    expect(notices.join('\n')).to.match(/bob signed conflicting messages/);
    const evidence = await room.stores.get('alice')?.authorship.equivocations(conversation);
    expect(evidence?.map((e) => [e.author, e.seq, e.kept.text, e.other.text, e.from])).to.deep.equal([
      ['bob', 1, 'I vote yes', 'I vote no', 'mallory'],
    ]);
    // Opened again (a reload), the conversation still says so.
    alice.closeConversation();
    await alice.selectConversation(conversation);
    expect(alice.openConversation?.notices?.join('\n')).to.match(/conflicting messages/);
  });

  it('flags messages whose chain links name another previous message, and takes honest links', async () => {
    const bob = await keys.of('bob');
    const sign = async (seq: number, text: string, after?: ChatMessage) =>
      signedBy(bob, message({ seq, text, ...(after ? { prev: await messageHash(after) } : {}) }));
    const one = await sign(1, 'the plan is A');
    const two = await sign(2, 'as agreed', one);
    await forward(carol, [one, two]);
    expect(warnings()).not.to.match(/conflicting/);

    // Bob's seq 3 follows a seq 2 that is not the one alice holds: he signed two histories.
    const otherTwo = await sign(2, 'the plan is B', one);
    const three = await sign(3, 'after B', otherTwo);
    await forward(mallory, [three]);
    expect(warnings()).to.match(/bob signed conflicting messages at seq 2/);
    // A seq 5 held first, then a seq 4 it does not name: the same, found from the other side.
    const five = await sign(5, 'five', await sign(4, 'another four', three));
    await forward(mallory, [five]);
    await forward(carol, [await sign(4, 'four', three)]);
    expect(warnings()).to.match(/bob signed conflicting messages at seq 4/);

    expect(await stored()).to.have.members(['the plan is A', 'as agreed', 'after B', 'four', 'five']);
    const evidence = await room.stores.get('alice')?.authorship.equivocations(conversation);
    expect(evidence?.map((e) => [e.seq, e.kept.text, e.other.text, e.from])).to.deep.equal([
      [2, 'as agreed', 'after B', 'mallory'],
      [4, 'four', 'five', 'carol'],
    ]);
  });

  it('flags a live message at a position its author already filled, signed by them, as equivocation', async () => {
    const key = await keys.of('mallory');
    const first = await signedBy(key, message({ author: 'mallory', seq: 1, text: 'first at 1' }));
    const second = await signedBy(key, message({ author: 'mallory', seq: 1, text: 'second at 1' }));
    mallory.send('alice', { type: 'message', message: first });
    mallory.send('alice', { type: 'message', message: second });
    await room.answered(mallory, [first.id, second.id]);
    expect(await stored()).to.deep.equal(['first at 1']);
    expect(alice.openConversation?.messages.map((m) => m.text)).to.deep.equal(['first at 1']);
    expect(warnings()).to.match(/mallory signed conflicting messages at seq 1/);
  });

  it('keeps a message whose author it never met as unverified, and settles it once they connect', async function () {
    this.timeout(20_000); // A third connection (see beforeEach).
    const dave = await keys.of('dave');
    const real = await signedBy(dave, message({ author: 'dave', seq: 1, text: 'from dave' }));
    const forged = await signedBy(
      await keys.of('mallory'),
      message({ author: 'dave', seq: 2, text: 'fake dave' }),
    );
    await forward(mallory, [real, forged]);
    // A newcomer catches up: both are kept and shown, marked, until dave's key is known.
    expect(await stored()).to.deep.equal(['from dave', 'fake dave']);
    const marks = () => alice.openConversation?.messages.map((m) => [m.text, m.authorship]);
    expect(marks()).to.deep.equal([
      ['from dave', 'unverified'],
      ['fake dave', 'unverified'],
    ]);

    alice.server.userOnline('dave');
    const daveLink = await room.rawPeer('dave', 'alice', dave);
    await room.until(async () => (await stored()).length === 1);
    expect(await stored()).to.deep.equal(['from dave']);
    // Alice asks dave from where she is once the forgery is gone: his seq 2 comes again.
    await room.until(() => daveLink.received.some((frame) => frame.type === 'sync-heads'));
    const asked = daveLink.received.flatMap((frame) => (frame.type === 'sync-heads' ? frame.heads : []));
    expect(asked.filter((head) => head.author === 'dave')).to.deep.equal([{ author: 'dave', seq: 1 }]);
    expect(marks()).to.deep.equal([['from dave', 'signed']]);
    expect(await room.stores.get('alice')?.authorship.awaitingKeyOf('dave')).to.deep.equal([]);
    expect(warnings()).to.match(/1 forwarded message\(s\) of dave did not verify against their key: removed/);
  });

  it('still shows a message stored before messages were signed, marked unsigned', async () => {
    // Exactly the row an older version stored (account-db-v7.test.ts: such rows survive the upgrade).
    const old = message({ text: 'from before signing' });
    await room.stores.get('alice')?.addIncomingMessage(old, { unread: false });
    await alice.selectConversation(conversation);
    expect(alice.openConversation?.messages.map((m) => [m.text, m.authorship])).to.deep.equal([
      ['from before signing', 'unsigned'],
    ]);
  });
});
