import { expect } from '@open-wc/testing';
import { PeerInbound } from '../../../client/app/peer-inbound.js';
import type { InboundRoutes } from '../../../client/app/peer-inbound.js';

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
    delivery: { acked: async (peer, ids) => void log.push(`${peer} acked ${ids.join()}`) },
    sync: {
      onAck: () => undefined,
      onHeads: async () => undefined,
      onBatch: async () => undefined,
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
    },
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
    // Bob's read is being handled: his message shows at once, but is stored after the read.
    expect(log).to.deep.equal(['bob read lobby', 'bob shown m1', 'carol typing lobby', 'bob file-ready']);
    release();
    await settle();
    expect(log.slice(4)).to.deep.equal(['bob message m1', 'bob acked x']);
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
      delivery: { acked: () => Promise.reject(new Error('disk full')) },
    });
    inbound.frame('bob', { type: 'ack', ids: ['1'] });
    inbound.frame('bob', { type: 'typing', conversation: 'lobby' });
    await settle();
    expect(log).to.deep.equal(['warn handling ack from bob failed', 'bob typing lobby']);
  });
});
