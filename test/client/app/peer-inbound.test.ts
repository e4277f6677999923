import { expect } from '@open-wc/testing';
import { MERGED_BATCHES, PeerInbound } from '../../../client/app/peer-inbound.js';
import type { InboundRoutes } from '../../../client/app/peer-inbound.js';
import { INBOUND_LIMITS, InboundLimiter, MAX_QUEUED_FRAMES } from '../../../client/app/inbound-limits.js';

/** Routes that log what each feature was handed; `hold` keeps a peer's typing frames waiting. */
function recorder() {
  const log: string[] = [];
  const held: Array<() => void> = [];
  let hold = false;
  const routes: InboundRoutes = {
    inbox: {
      receive: async (peer, message) => void log.push(`${peer} message ${message.id}`),
      showArriving: (peer, message) => void log.push(`${peer} shown ${message.id}`),
    },
    delivery: {
      acked: async (peer, ids) => void log.push(`${peer} acked ${ids.join()}`),
      flush: async (peer) => void log.push(`${peer} outbox flushed`),
      settled: async () => undefined,
    },
    sync: {
      onAck: () => false,
      onHeads: async (peer, frame) => void log.push(`${peer} heads ${frame.conversation}`),
      arriving: (peer, frame) => void log.push(`${peer} arriving ${frame.conversation}`),
      onBatches: async (peer, frames) =>
        void log.push(`${peer} batch ${frames.map((frame) => frame.conversation).join('+')}`),
      onDeleted: async () => undefined,
      onDone: (peer, conversation) => void log.push(`${peer} done ${conversation}`),
      announce: async (peer) => void log.push(`${peer} sync announced`),
      connectionClosed: (peer) => void log.push(`${peer} sync closed`),
    },
    typing: {
      received: (peer, conversation) => {
        log.push(`${peer} typing ${conversation}`);
        return true;
      },
    },
    receipts: {
      received: (peer, conversation) =>
        new Promise<void>((resolve) => {
          log.push(`${peer} read ${conversation}`);
          if (hold) held.push(resolve);
          else resolve();
        }),
    },
    files: {
      frame: async (peer, frame) => void log.push(`${peer} ${frame.type}`),
      chunk: (peer) => void log.push(`${peer} chunk`),
      connectionOpened: (peer) => void log.push(`${peer} files opened`),
      connectionClosed: (peer) => void log.push(`${peer} files closed`),
    },
    reportSeen: () => void log.push('seen reported'),
    changed: () => undefined,
    warn: (message) => void log.push(`warn ${message}`),
  };
  return {
    routes,
    log,
    holdReads: () => (hold = true),
    release: () => held.splice(0).forEach((resolve) => resolve()),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const message = (id: string) => ({
  type: 'message' as const,
  message: { id, conversation: 'lobby', author: 'bob', seq: 1, sentAt: 1, text: 'hi' },
});

describe('PeerInbound', () => {
  it("handles one peer's frames in order, while other peers and file frames do not wait", async () => {
    const { routes, log, holdReads, release } = recorder();
    const inbound = new PeerInbound(routes);
    holdReads();
    inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: ['a'.repeat(32)] });
    inbound.frame('bob', message('m1'));
    inbound.frame('bob', { type: 'ack', ids: ['x'] });
    inbound.frame('carol', { type: 'typing', conversation: 'lobby' });
    inbound.frame('bob', { type: 'file-ready', id: 'f'.repeat(32) });
    await settle();
    // Bob's read is being handled (after own writes settled, a turn later): his message shows at
    // once, but is stored after the read.
    expect(log).to.deep.equal(['bob shown m1', 'carol typing lobby', 'bob file-ready', 'bob read lobby']);
    release();
    await settle();
    expect(log.slice(4)).to.deep.equal(['bob message m1', 'bob acked x']);
  });

  it('hands a catch-up batch over for checking as it arrives, and to be stored in its turn', async () => {
    const { routes, log, holdReads, release } = recorder();
    const inbound = new PeerInbound(routes);
    holdReads();
    inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: ['a'.repeat(32)] });
    inbound.frame('bob', { type: 'sync-batch', conversation: 'g:x', messages: [] });
    await settle();
    expect(log).to.deep.equal(['bob arriving g:x', 'bob read lobby']);
    release();
    await settle();
    expect(log.slice(2)).to.deep.equal(['bob batch g:x']);
  });

  it('shows what a member’s heads marked delivered once they are handled', async () => {
    const { routes, log } = recorder();
    const inbound = new PeerInbound({ ...routes, changed: () => void log.push('changed') });
    inbound.frame('bob', { type: 'sync-heads', conversation: 'g:x', heads: [] });
    await settle();
    expect(log).to.deep.equal(['bob heads g:x', 'changed']);
  });

  it('takes the next frames while an ack is still being written, so a burst of acks gathers', async () => {
    const { routes, log } = recorder();
    const acked = (peer: string, ids: readonly string[]) => {
      log.push(`${peer} acked ${ids.join()}`);
      // Held, as an ack gathered with the rest of its burst is (ack-gathering.ts).
      return new Promise<void>(() => undefined);
    };
    const inbound = new PeerInbound({ ...routes, delivery: { ...routes.delivery, acked } });
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    inbound.frame('bob', { type: 'ack', ids: ['2'] });
    inbound.frame('bob', message('m1'));
    await settle();
    expect(log.filter((line) => !line.includes(' shown '))).to.deep.equal([
      'bob acked 1',
      'bob acked 2',
      'bob message m1',
    ]);
  });

  it('has the ack that ends a catch-up stream written at once', async () => {
    const { routes, log } = recorder();
    const onAck = (_peer: string, ids: readonly string[]) => ids.includes('last');
    const acked = async (peer: string, ids: readonly string[], last?: boolean) =>
      void log.push(`${peer} acked ${ids.join()}${last ? ' (last)' : ''}`);
    const inbound = new PeerInbound({
      ...routes,
      sync: { ...routes.sync, onAck },
      delivery: { ...routes.delivery, acked },
    });
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    inbound.frame('bob', { type: 'ack', ids: ['last'] });
    await settle();
    expect(log).to.deep.equal(['bob acked 1', 'bob acked last (last)']);
  });

  it(`hands catch-up batches of one conversation queued together over as one, up to ${MERGED_BATCHES}`, async () => {
    const { routes, log, holdReads, release } = recorder();
    const inbound = new PeerInbound(routes);
    holdReads();
    inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: ['a'.repeat(32)] });
    const batch = (conversation: string) => ({ type: 'sync-batch' as const, conversation, messages: [] });
    for (let i = 0; i <= MERGED_BATCHES; i += 1) inbound.frame('bob', batch('g:x'));
    inbound.frame('bob', batch('g:y'));
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    inbound.frame('bob', batch('g:y'));
    await settle();
    release();
    await settle();
    expect(log.filter((line) => line.includes(' batch ') || line.includes(' acked '))).to.deep.equal([
      `bob batch ${Array(MERGED_BATCHES).fill('g:x').join('+')}`,
      'bob batch g:x',
      'bob batch g:y',
      'bob acked 1',
      'bob batch g:y',
    ]);
  });

  it('lets batches queued while the first is checked join it, in order and up to the same count', async () => {
    const { routes, log } = recorder();
    let queuedSince: (() => readonly unknown[]) | null = null;
    let handled!: () => void;
    const onBatches: InboundRoutes['sync']['onBatches'] = (peer, frames, since) => {
      log.push(`${peer} batch ${frames.map((frame) => frame.conversation).join('+')}`);
      // The first call waits (as GroupSync waits for its signatures) until the test has queued more.
      if (queuedSince) return Promise.resolve();
      queuedSince = since ?? null;
      return new Promise<void>((resolve) => (handled = resolve));
    };
    const inbound = new PeerInbound({ ...routes, sync: { ...routes.sync, onBatches } });
    const batch = (conversation: string) => ({ type: 'sync-batch' as const, conversation, messages: [] });
    inbound.frame('bob', batch('g:x'));
    await settle();
    for (let i = 0; i < MERGED_BATCHES; i += 1) inbound.frame('bob', batch('g:x'));
    inbound.frame('bob', batch('g:y'));
    expect(queuedSince, 'the queue is offered').to.not.equal(null);
    const joined = queuedSince!();
    expect(joined.length, 'one batch was taken: the rest of the count joins').to.equal(MERGED_BATCHES - 1);
    expect(queuedSince!(), 'taken off the queue').to.have.length(0);
    handled();
    await settle();
    expect(log.filter((line) => line.includes(' batch '))).to.deep.equal([
      'bob batch g:x',
      'bob batch g:x',
      'bob batch g:y',
    ]);
  });

  it('counts refused ids towards the stream, and only the ids taken as delivered', async () => {
    const { routes, log } = recorder();
    const onAck = (peer: string, ids: readonly string[]) => (log.push(`${peer} window ${ids.join()}`), false);
    const inbound = new PeerInbound({ ...routes, sync: { ...routes.sync, onAck } });
    inbound.frame('bob', { type: 'ack', ids: ['1'], refused: ['2'] });
    inbound.frame('bob', { type: 'ack', ids: [], refused: ['3'] });
    await settle();
    expect(log).to.deep.equal(['bob window 1,2', 'bob acked 1', 'bob window 3']);
  });

  it('records a read receipt only once own messages handed to the outbox are stored', async () => {
    const { routes, log } = recorder();
    let stored!: () => void;
    const writes = new Promise<void>((resolve) => (stored = resolve));
    const inbound = new PeerInbound({ ...routes, delivery: { ...routes.delivery, settled: () => writes } });
    inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: ['a'.repeat(32)] });
    await settle();
    expect(log).to.deep.equal([]);
    stored();
    await settle();
    expect(log).to.deep.equal(['bob read lobby']);
  });

  it('takes a peer’s frames again after its queue drained, and none after closing', async () => {
    const { routes, log } = recorder();
    const inbound = new PeerInbound(routes);
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    await settle();
    inbound.frame('bob', { type: 'ack', ids: ['2'] });
    await settle();
    inbound.close();
    inbound.frame('bob', { type: 'ack', ids: ['3'] });
    inbound.chunk('bob', new Uint8Array(1));
    await settle();
    expect(log).to.deep.equal(['bob acked 1', 'bob acked 2']);
  });

  it('warns about a frame whose handling failed and goes on with the next', async () => {
    const { routes, log } = recorder();
    const inbound = new PeerInbound({
      ...routes,
      delivery: { ...routes.delivery, acked: () => Promise.reject(new Error('disk full')) },
    });
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    inbound.frame('bob', { type: 'typing', conversation: 'lobby' });
    await settle();
    expect(log).to.deep.equal(['warn handling ack from bob failed', 'bob typing lobby']);
  });

  it('does not warn about a frame whose storage closed under it because the messenger closed', async () => {
    const { routes, log } = recorder();
    let fail!: (error: Error) => void;
    const inbound = new PeerInbound({
      ...routes,
      inbox: { ...routes.inbox, receive: () => new Promise((_, reject) => (fail = reject)) },
      files: { ...routes.files, frame: () => new Promise((_, reject) => (fail = reject)) },
    });
    inbound.frame('bob', message('m1'));
    await settle();
    const failMessage = fail;
    inbound.frame('bob', { type: 'file-ready', id: 'f'.repeat(32) });
    await settle();
    inbound.close();
    failMessage(new Error('storage closed'));
    fail(new Error('storage closed'));
    await settle();
    expect(log).to.deep.equal(['bob shown m1']);
  });

  it('tells each feature when a channel opens (none after closing) and when it closes', async () => {
    const { routes, log } = recorder();
    const inbound = new PeerInbound(routes);
    inbound.opened('bob');
    await settle();
    expect(log).to.deep.equal([
      'bob outbox flushed',
      'bob sync announced',
      'bob files opened',
      'seen reported',
    ]);
    inbound.closed('bob');
    expect(log.slice(4)).to.deep.equal(['bob sync closed', 'bob files closed']);
    inbound.close();
    inbound.opened('carol');
    await settle();
    expect(log).to.have.length(6);
  });
});

describe('PeerInbound under a flood', () => {
  /** A clock the test steps by hand. */
  const clock = { time: 0, now: () => clock.time };
  const id = (n: number) => n.toString(16).padStart(32, '0');
  const warnings = (log: string[]) => log.filter((line) => line.startsWith('warn'));
  beforeEach(() => {
    clock.time = 0;
  });

  for (const kind of ['typing', 'read', 'sync-heads'] as const) {
    it(`drops ${kind} frames past the bucket with one warning, and takes them again once it refills`, async () => {
      const { routes, log } = recorder();
      const inbound = new PeerInbound(routes, new InboundLimiter(clock));
      const frame = () =>
        kind === 'typing'
          ? { type: kind, conversation: 'lobby' }
          : kind === 'read'
            ? { type: kind, conversation: 'lobby', ids: [id(1)] }
            : { type: kind, conversation: 'lobby', heads: [] };
      const burst = INBOUND_LIMITS[kind].burst;
      for (let i = 0; i < burst * 10; i++) inbound.frame('mallory', frame());
      // A polite peer in the middle of it is not held back.
      inbound.frame('bob', frame());
      await settle();
      const handled = (peer: string) => log.filter((line) => line.startsWith(`${peer} `)).length;
      expect(handled('mallory')).to.equal(burst);
      expect(handled('bob')).to.equal(1);
      expect(warnings(log)).to.deep.equal([`warn mallory sent ${kind} frames too fast: dropping them`]);
      clock.time += 1000;
      inbound.frame('mallory', frame());
      await settle();
      expect(handled('mallory')).to.equal(burst + 1);
    });
  }

  it('bounds the queue of a peer whose frames wait, dropping the excess with one warning', async () => {
    const { routes, log, holdReads, release } = recorder();
    const inbound = new PeerInbound(routes, new InboundLimiter(clock));
    holdReads();
    inbound.frame('mallory', { type: 'read', conversation: 'lobby', ids: [id(1)] });
    await settle();
    for (let i = 0; i < MAX_QUEUED_FRAMES + 500; i++) inbound.frame('mallory', { type: 'ack', ids: [id(i)] });
    release();
    await settle();
    const acks = log.filter((line) => line.startsWith('mallory acked'));
    expect(acks).to.have.length(MAX_QUEUED_FRAMES);
    expect(warnings(log)).to.deep.equal([
      'warn mallory sent frames faster than they can be handled: dropping them',
    ]);
  });

  it('never throttles a polite peer', async () => {
    const { routes, log } = recorder();
    const inbound = new PeerInbound(routes, new InboundLimiter(clock));
    // A connection opens: one sync-heads per shared group, for as many groups as anyone may be in.
    for (let g = 0; g < 256; g++)
      inbound.frame('bob', { type: 'sync-heads', conversation: `g${g}`, heads: [] });
    // Then, for ten minutes: typing in three conversations every 3 s, and a read for each of the
    // 20 messages a second they are sent, after an outbox of 400 came back read at once.
    for (let i = 0; i < 400; i++) inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: [id(i)] });
    for (let t = 0; t < 600_000; t += 50) {
      clock.time = t;
      if (t % 3000 === 0)
        for (const c of ['a', 'b', 'c']) inbound.frame('bob', { type: 'typing', conversation: c });
      inbound.frame('bob', { type: 'read', conversation: 'lobby', ids: [id(t)] });
      // The queue drains every 10 simulated seconds (~210 frames, far below its bound): settling
      // once a simulated second took 600 timer turns, over mocha's 5 s on a loaded machine.
      if (t % 10_000 === 0) await settle();
    }
    await settle();
    expect(warnings(log)).to.deep.equal([]);
    expect(log.filter((line) => line.startsWith('bob heads'))).to.have.length(256);
  });
});
