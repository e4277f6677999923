import { expect } from '@open-wc/testing';
import type { CryptoProvider } from '../../../../client/app/identity/crypto-provider.js';
import {
  MessageVerifier,
  OFF_PAGE_BATCH,
  messageHash,
} from '../../../../client/app/identity/message-signing.js';
import { webCryptoProvider } from '../../../../client/app/identity/webcrypto-provider.js';
import { pageWorkerVerifier } from '../../../../client/app/identity/worker-verifier.js';
import type { BatchVerifier, SignatureCheck } from '../../../../client/app/identity/worker-verifier.js';
import { bytesToHex } from '../../../../shared/identity-protocol.js';
import type { KeyAlgorithm, PublicIdentity } from '../../../../shared/identity-protocol.js';
import { messageStatement } from '../../../../shared/message-signature.js';
import type { ChatMessage } from '../../../../shared/peer-protocol.js';

const encoder = new TextEncoder();

/**
 * `count` messages by `author` in group g1, signed with a new key of `alg`; and that key. `chained`:
 * each names the hash of the one before as its `prev`, as MessageSigner seals them.
 */
async function signedRun(
  author: string,
  alg: KeyAlgorithm,
  count: number,
  { chained = false } = {},
): Promise<{ identity: PublicIdentity; messages: ChatMessage[] }> {
  const row = await webCryptoProvider.generate(alg);
  const messages: ChatMessage[] = [];
  for (let i = 0; i < count; i++) {
    const prev = chained && i > 0 ? await messageHash(messages[i - 1]!, webCryptoProvider) : undefined;
    const message: ChatMessage = {
      id: `${author}-${i}`,
      conversation: 'g1',
      author,
      seq: i + 1,
      sentAt: 1000 + i,
      text: `${i}`,
      ...(prev === undefined ? {} : { prev }),
    };
    const sig = await webCryptoProvider.sign(row, encoder.encode(messageStatement(message)));
    messages.push({ ...message, sig: bytesToHex(sig) });
  }
  return { identity: { alg, key: row.publicKey }, messages };
}

/** A batch verifier that records what it is asked and answers `answer`. */
function recording(answer: (items: readonly SignatureCheck[]) => unknown[]): BatchVerifier & {
  asked: SignatureCheck[][];
} {
  const asked: SignatureCheck[][] = [];
  return {
    asked,
    verify: (items) => {
      asked.push([...items]);
      return Promise.resolve(answer(items) as boolean[]);
    },
  };
}

describe('MessageVerifier with the verification worker', () => {
  it('checks a catch-up batch in the page’s worker: valid, forged, unsigned, unknown and malformed, in order', async () => {
    const alice = await signedRun('alice', 'Ed25519', 10);
    const carol = await signedRun('carol', 'P-256', 10);
    const keys = new Map([
      ['alice', alice.identity],
      ['carol', carol.identity],
    ]);
    const verifier = new MessageVerifier({ pinned: (author) => Promise.resolve(keys.get(author) ?? null) });
    const batch: ChatMessage[] = [];
    const expected: string[] = [];
    alice.messages.forEach((message, i) => {
      batch.push(message, carol.messages[i]!);
      expected.push('valid', 'valid');
    });
    const { sig: _sig, ...unsigned } = alice.messages[0]!;
    batch.push(
      { ...alice.messages[1]!, text: 'forged' },
      { ...carol.messages[2]!, author: 'alice' },
      unsigned,
      { ...alice.messages[3]!, author: 'mallory' },
      { ...carol.messages[4]!, sig: 'not hex' },
      { ...alice.messages[5]!, sig: carol.messages[5]!.sig! },
    );
    expected.push('invalid', 'invalid', 'unsigned', 'unknown-key', 'invalid', 'invalid');
    expect(await verifier.check(batch)).to.deep.equal(expected);
    expect(pageWorkerVerifier().broken).to.equal(null);
  });

  it(`sends a batch of ${OFF_PAGE_BATCH} or more in one message; fewer, like a live message, stay on the page`, async () => {
    const alice = await signedRun('alice', 'Ed25519', OFF_PAGE_BATCH);
    const batches = recording((items) => items.map(() => true));
    const verifier = new MessageVerifier({ pinned: () => Promise.resolve(alice.identity), batches });
    const few = alice.messages.slice(0, OFF_PAGE_BATCH - 2);
    expect(await verifier.check([...few, { ...few[0]!, text: 'forged' }])).to.deep.equal([
      ...few.map(() => 'valid'),
      'invalid',
    ]);
    expect(batches.asked).to.deep.equal([]);
    expect(await verifier.check(alice.messages)).to.deep.equal(alice.messages.map(() => 'valid'));
    expect(batches.asked).to.have.length(1);
    expect(batches.asked[0]!.map((item) => item.sig)).to.deep.equal(alice.messages.map((m) => m.sig));
  });

  it('gets its batch verifier ready when told a catch-up is coming', () => {
    let warmed = 0;
    const batches: BatchVerifier = { verify: () => Promise.resolve([]), warm: () => (warmed += 1) };
    new MessageVerifier({ pinned: () => Promise.resolve(null), batches }).expectBatches();
    expect(warmed).to.equal(1);
  });

  it('counts only an answer of exactly true as valid', async () => {
    const alice = await signedRun('alice', 'Ed25519', OFF_PAGE_BATCH + 2);
    const batches = recording(() => [1, 'true', {}, [true], null, undefined, 'valid', false, true]);
    const verifier = new MessageVerifier({ pinned: () => Promise.resolve(alice.identity), batches });
    const verdicts = await verifier.check(alice.messages);
    // The ninth answer alone is `true`; the tenth message has none.
    expect(verdicts).to.deep.equal([...Array<string>(8).fill('invalid'), 'valid', 'invalid']);
  });
});

/** Checks on the page with WebCrypto, counting the signatures it verifies. */
function countingVerifier(keys: ReadonlyMap<string, PublicIdentity>) {
  const verified: string[] = [];
  const crypto: CryptoProvider = {
    ...webCryptoProvider,
    verify: (identity, sig, data) => {
      verified.push(bytesToHex(sig));
      return webCryptoProvider.verify(identity, sig, data);
    },
  };
  const verifier = new MessageVerifier({
    pinned: (author) => Promise.resolve(keys.get(author) ?? null),
    crypto,
  });
  return { verifier, verified };
}

describe('MessageVerifier over an author’s chain', () => {
  it('checks one signature per run of consecutive messages: the next one’s prev vouches for the rest', async () => {
    const alice = await signedRun('alice', 'Ed25519', 12, { chained: true });
    const carol = await signedRun('carol', 'Ed25519', 5, { chained: true });
    const { verifier, verified } = countingVerifier(
      new Map([
        ['alice', alice.identity],
        ['carol', carol.identity],
      ]),
    );
    // Two runs of alice's (seq 1–5 and 8–12: 6 and 7 are missing) and one of carol's, interleaved.
    const batch = [...alice.messages.slice(0, 5), ...carol.messages, ...alice.messages.slice(7)];
    expect(await verifier.check(batch)).to.deep.equal(batch.map(() => 'valid'));
    expect(verified.sort()).to.deep.equal(
      [alice.messages[4]!.sig, alice.messages[11]!.sig, carol.messages[4]!.sig].sort(),
    );
  });

  it('does not let a changed message ride on the chain: it answers for itself, and the one before it still checks', async () => {
    const alice = await signedRun('alice', 'Ed25519', 6, { chained: true });
    const { verifier } = countingVerifier(new Map([['alice', alice.identity]]));
    const batch = [...alice.messages];
    batch[2] = { ...batch[2]!, text: 'forged' };
    expect(await verifier.check(batch)).to.deep.equal([
      'valid',
      'valid',
      'invalid',
      'valid',
      'valid',
      'valid',
    ]);
  });

  it('checks each message itself when the signature that would vouch for a run is forged', async () => {
    const alice = await signedRun('alice', 'Ed25519', 5, { chained: true });
    const { verifier, verified } = countingVerifier(new Map([['alice', alice.identity]]));
    const batch = [...alice.messages];
    batch[4] = { ...batch[4]!, sig: alice.messages[0]!.sig! };
    expect(await verifier.check(batch)).to.deep.equal(['valid', 'valid', 'valid', 'valid', 'invalid']);
    expect(verified).to.have.length(5);
  });

  it('takes no message as vouched for by another author’s, or another conversation’s, next seq', async () => {
    const alice = await signedRun('alice', 'Ed25519', 2, { chained: true });
    const mallory = await signedRun('mallory', 'Ed25519', 1, { chained: true });
    // Mallory's message names alice's first as its prev, at the next seq: it vouches for nothing of hers.
    const prev = await messageHash(alice.messages[0]!, webCryptoProvider);
    const { sig: _sig, ...unsigned } = { ...mallory.messages[0]!, seq: 2, prev };
    const row = await webCryptoProvider.generate('Ed25519');
    const sig = bytesToHex(await webCryptoProvider.sign(row, encoder.encode(messageStatement(unsigned))));
    const keys = new Map([
      ['alice', alice.identity],
      ['mallory', { alg: 'Ed25519' as const, key: row.publicKey }],
    ]);
    const { verifier, verified } = countingVerifier(keys);
    const forgedFirst = { ...alice.messages[0]!, sig: alice.messages[1]!.sig! };
    const other = { ...alice.messages[1]!, conversation: 'g2' };
    expect(await verifier.check([forgedFirst, { ...unsigned, sig }, other])).to.deep.equal([
      'invalid',
      'valid',
      'invalid',
    ]);
    expect(verified).to.have.length(3);
  });
});
