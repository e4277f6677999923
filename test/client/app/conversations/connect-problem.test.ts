import { expect } from '@open-wc/testing';
import { Messenger } from '../../../../client/app/messenger.js';
import type { PeerLinkFactory } from '../../../../client/net/peer-mesh.js';
import { deleteAccountStore, openAccountStore } from '../../../../client/storage/account-store.js';
import type { IceServer } from '../../../../shared/protocol.js';
import { idleLink } from '../../helpers/idle-link.js';

/** Links that fail at once, as ICE does when it finds no path. */
const failingLinks: PeerLinkFactory = (_options, handlers) => {
  setTimeout(() => handlers.onClose(new Error('Ice connection failed.')), 0);
  return idleLink();
};

async function problemWith(iceServers: IceServer[]): Promise<unknown> {
  let wake = (): void => undefined;
  const messenger = await Messenger.open({
    me: 'amara',
    store: await openAccountStore('amara'),
    sendSignal: () => true,
    onChange: () => wake(),
    createLink: failingLinks,
  });
  try {
    messenger.server.welcome(['bastian'], [], iceServers);
    await messenger.selectPerson('bastian');
    while (!messenger.openConversation?.connectProblem)
      await new Promise<void>((resolve) => (wake = resolve));
    return messenger.openConversation.connectProblem;
  } finally {
    messenger.close();
    await deleteAccountStore('amara');
  }
}

describe('Messenger: why a connection could not be made', () => {
  it('blames the missing relay when no TURN server is configured', async () => {
    expect(await problemWith([])).to.equal('no-relay');
    expect(await problemWith([{ urls: 'stun:stun.example.org' }])).to.equal('no-relay');
  });

  it('blames the other network when a TURN server is configured', async () => {
    const turn = { urls: ['turn:turn.example.org:3478?transport=udp'], username: '1:amara', credential: 'c' };
    expect(await problemWith([turn])).to.equal('blocked');
  });
});
