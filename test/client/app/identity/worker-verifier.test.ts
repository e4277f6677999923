import { expect } from '@open-wc/testing';
import { webCryptoProvider } from '../../../../client/app/identity/webcrypto-provider.js';
import {
  VERIFY_WORKER_URL,
  WorkerVerifier,
  verifyOnPage,
} from '../../../../client/app/identity/worker-verifier.js';
import type { SignatureCheck } from '../../../../client/app/identity/worker-verifier.js';
import { bytesToHex } from '../../../../shared/identity-protocol.js';
import type { KeyAlgorithm } from '../../../../shared/identity-protocol.js';

const encoder = new TextEncoder();
const realWorker = (): Worker =>
  new Worker(VERIFY_WORKER_URL, { type: 'module', name: 'parley-verify-test' });

/** A worker running `source` (a module script), standing in for a broken or hostile one. */
function fakeWorker(source: string): () => Worker {
  return () => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    return new Worker(url, { type: 'module' });
  };
}

/**
 * For each algorithm: a good signature, then the same signature over another text, by another key,
 * and malformed ones (not hex, odd length, too short, too long, empty): the expected verdicts too.
 */
async function checksOf(alg: KeyAlgorithm): Promise<{ items: SignatureCheck[]; expected: boolean[] }> {
  const row = await webCryptoProvider.generate(alg);
  const other = await webCryptoProvider.generate(alg);
  const identity = { alg, key: row.publicKey };
  const statement = `["parley-msg-v1","m1","g1","alice",1,1000,"hello (${alg})"]`;
  const sig = bytesToHex(await webCryptoProvider.sign(row, encoder.encode(statement)));
  const flipped = `${sig.slice(0, -2)}${sig.endsWith('00') ? '01' : '00'}`;
  const cases: Array<[SignatureCheck, boolean]> = [
    [{ identity, sig, statement }, true],
    [{ identity, sig, statement: `${statement} ` }, false],
    [{ identity: { alg, key: other.publicKey }, sig, statement }, false],
    [{ identity, sig: flipped, statement }, false],
    [{ identity, sig: 'zz'.repeat(64), statement }, false],
    [{ identity, sig: sig.slice(1), statement }, false],
    [{ identity, sig: sig.slice(0, 64), statement }, false],
    [{ identity, sig: `${sig}00`, statement }, false],
    [{ identity, sig: '', statement }, false],
  ];
  return { items: cases.map(([item]) => item), expected: cases.map(([, verdict]) => verdict) };
}

/** Every case of both algorithms, interleaved so that order matters. */
async function mixedBatch(): Promise<{ items: SignatureCheck[]; expected: boolean[] }> {
  const ed = await checksOf('Ed25519');
  const p256 = await checksOf('P-256');
  const items: SignatureCheck[] = [];
  const expected: boolean[] = [];
  ed.items.forEach((item, i) => {
    items.push(item, p256.items[i]!);
    expected.push(ed.expected[i]!, p256.expected[i]!);
  });
  return { items, expected };
}

describe('the verification worker', () => {
  it('gives the page’s verdicts for valid, forged and malformed Ed25519 and P-256 signatures, in order', async () => {
    const { items, expected } = await mixedBatch();
    expect(await verifyOnPage(items)).to.deep.equal(expected);
    let started = 0;
    const verifier = new WorkerVerifier({ start: () => (started++, realWorker()) });
    expect(await verifier.verify(items)).to.deep.equal(expected);
    expect(await verifier.verify([...items].reverse())).to.deep.equal([...expected].reverse());
    expect(verifier.broken).to.equal(null);
    expect(started).to.equal(1);
  });

  it('checks with the pure-JS provider where the worker has no crypto.subtle, as on plain http', async () => {
    const { items, expected } = await mixedBatch();
    // The real worker's module, loaded by a worker that first takes `subtle` away (and holds the
    // batch that arrives while the module loads).
    const url = new URL(VERIFY_WORKER_URL, location.href).href;
    const verifier = new WorkerVerifier({
      start: fakeWorker(
        `const early = [];
         const hold = (event) => early.push(event.data);
         self.addEventListener('message', hold);
         Object.defineProperty(crypto, 'subtle', { value: undefined });
         await import(${JSON.stringify(url)});
         self.removeEventListener('message', hold);
         for (const data of early) self.dispatchEvent(new MessageEvent('message', { data }));`,
      ),
    });
    expect(await verifier.verify(items)).to.deep.equal(expected);
    expect(verifier.broken).to.equal(null);
  });

  it('answers batches sent together each with its own verdicts', async () => {
    const { items, expected } = await mixedBatch();
    const verifier = new WorkerVerifier({ start: realWorker });
    const batches = [items, items.slice(3), items.slice(0, 5).reverse()];
    const answers = await Promise.all(batches.map((batch) => verifier.verify(batch)));
    expect(answers).to.deep.equal([expected, expected.slice(3), expected.slice(0, 5).reverse()]);
    expect(verifier.broken).to.equal(null);
  });

  it('refuses a request that does not parse, naming why, and answers the next', async () => {
    const worker = realWorker();
    const replies: unknown[] = [];
    const next = (): Promise<unknown> =>
      new Promise((resolve) => worker.addEventListener('message', (e) => resolve(e.data), { once: true }));
    try {
      const { items, expected } = await mixedBatch();
      const requests = [
        {
          type: 'verify',
          call: 1,
          items: [{ ...items[0]!, identity: { alg: 'RSA', key: 'ab'.repeat(32) } }],
        },
        { type: 'verify', call: 2, items: [{ ...items[0]!, sig: 7 }] },
        { type: 'verify', call: -1, items },
        { type: 'check', call: 3, items },
        'verify',
      ];
      for (const request of requests) {
        worker.postMessage(request);
        replies.push(await next());
      }
      for (const reply of replies) expect(reply).to.include({ type: 'refused' }).and.have.property('detail');
      worker.postMessage({ type: 'verify', call: 4, items });
      expect(await next()).to.deep.equal({ type: 'verdicts', call: 4, verdicts: expected });
    } finally {
      worker.terminate();
    }
  });

  it('starts no worker until a batch comes', async () => {
    let started = 0;
    const verifier = new WorkerVerifier({ start: () => (started++, realWorker()) });
    expect(await verifier.verify([])).to.deep.equal([]);
    expect(started).to.equal(0);
  });

  it('starts the worker when told batches are coming, once, and checks the first batch in it', async () => {
    let started = 0;
    const verifier = new WorkerVerifier({ start: () => (started++, realWorker()) });
    verifier.warm();
    expect(started, 'started before any batch').to.equal(1);
    verifier.warm();
    const { items, expected } = await mixedBatch();
    expect(await verifier.verify(items)).to.deep.equal(expected);
    expect([started, verifier.broken]).to.deep.equal([1, null]);
  });
});

describe('the verification worker failing: the page checks instead, and never says valid wrongly', () => {
  const refuse = (): Worker => {
    throw new DOMException('refused', 'SecurityError');
  };
  const broken = [
    ['no Worker can start', { start: refuse }],
    ['the page cannot start one at all', {}],
    ['its script is missing', { start: () => new Worker('/no-such-verify-worker.js', { type: 'module' }) }],
    ['it throws on the batch', { start: fakeWorker(`self.onmessage = () => { throw new Error('boom'); };`) }],
    [
      'it goes silent (closes itself)',
      { start: fakeWorker(`self.onmessage = () => self.close();`), answerWithinMs: 200 },
    ],
  ] as const;
  for (const [name, options] of broken) {
    it(`when ${name}`, async () => {
      const { items, expected } = await mixedBatch();
      const verifier = new WorkerVerifier(options);
      expect(await verifier.verify(items)).to.deep.equal(expected);
      expect(verifier.broken).to.be.a('string');
      // And later batches are checked on the page, without waiting for a worker.
      expect(await verifier.verify(items.slice(0, 4))).to.deep.equal(expected.slice(0, 4));
    });
  }

  it('re-checks on the page every batch still waiting when the worker dies mid-catch-up', async () => {
    const { items, expected } = await mixedBatch();
    // Silent on the first batch, dead on the second: both were waiting.
    const verifier = new WorkerVerifier({
      start: fakeWorker(`let n = 0; self.onmessage = () => { if (++n === 2) throw new Error('boom'); };`),
    });
    const first = verifier.verify(items);
    const second = verifier.verify(items.slice(2));
    expect(await Promise.all([first, second])).to.deep.equal([expected, expected.slice(2)]);
    expect(verifier.broken).to.match(/boom/);
  });

  // Each reply says "valid" for everything: taking it would let the forged signatures in.
  const malformed = [
    ['verdicts that are not booleans', `items.map(() => 'true')`, `{ type: 'verdicts', call, verdicts }`],
    ['one verdict too many', `[...items.map(() => true), true]`, `{ type: 'verdicts', call, verdicts }`],
    ['one verdict too few', `items.slice(1).map(() => true)`, `{ type: 'verdicts', call, verdicts }`],
    ['another call’s number', `items.map(() => true)`, `{ type: 'verdicts', call: call + 1, verdicts }`],
    ['an unknown field', `items.map(() => true)`, `{ type: 'verdicts', call, verdicts, valid: true }`],
    ['not an object', `items.map(() => true)`, `verdicts`],
    ['a refusal', `[]`, `{ type: 'refused', detail: 'no' }`],
  ] as const;
  for (const [name, verdicts, reply] of malformed) {
    it(`refuses a reply with ${name}`, async () => {
      const { items, expected } = await mixedBatch();
      const verifier = new WorkerVerifier({
        start: fakeWorker(
          `self.onmessage = (e) => { const { call, items } = e.data; const verdicts = ${verdicts}; self.postMessage(${reply}); };`,
        ),
      });
      expect(await verifier.verify(items)).to.deep.equal(expected);
      expect(verifier.broken).to.be.a('string');
    });
  }
});
