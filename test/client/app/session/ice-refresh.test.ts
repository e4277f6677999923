import { expect } from '@open-wc/testing';
import { AppStore } from '../../../../client/app/session/app-store.js';
import type { PeerLinkFactory } from '../../../../client/net/peer-mesh.js';
import { saveSession } from '../../../../client/storage/session-token.js';
import { Capability, PROTOCOL_VERSION } from '../../../../shared/protocol.js';
import type { IceServer } from '../../../../shared/protocol.js';
import { idleLink } from '../../helpers/idle-link.js';
import { ServerSide, forgetAureliaAfterEach, until, welcome } from './server-side.js';

/** Links that never open, recording the ICE servers each was made with. */
function recordingLinks(): { made: Array<readonly IceServer[]>; createLink: PeerLinkFactory } {
  const made: Array<readonly IceServer[]> = [];
  const createLink: PeerLinkFactory = (options) => {
    made.push(options.iceServers);
    return idleLink();
  };
  return { made, createLink };
}

const stun: IceServer = { urls: 'stun:stun.example.org:3478' };
const turn = (credential: string): IceServer => ({
  urls: ['turn:turn.example.org:3478?transport=udp'],
  username: '1700000000:aurelia',
  credential,
});

describe('AppStore: fresh ICE servers', () => {
  const kept = forgetAureliaAfterEach();

  it('announces ice-refresh when logging in, and the next connection uses the refreshed list', async () => {
    const server = new ServerSide();
    const { made, createLink } = recordingLinks();
    const store = kept(
      new AppStore({
        signalingUrl: 'ws://parley.test/ws',
        createSocket: server.createSocket,
        createLink,
      }),
    );
    await store.start();
    server.open();
    store.login('aurelia', 'correct horse battery staple');
    await server.sentCount(1);
    expect(server.sent[0]).to.include({ type: 'login', username: 'aurelia' });
    expect(server.sent[0]?.capabilities).to.deep.equal([
      Capability.IceRefresh,
      Capability.IdentityKeys,
      Capability.GroupLog,
      Capability.UsersOffline,
      Capability.OnlinePieces,
    ]);
    expect(server.sent[0]?.identity, 'this browser’s device key').to.have.keys(['alg', 'key']);

    server.say(welcome({ iceServers: [stun, turn('old')], online: ['bruno', 'chiara'] }));
    await until(store, () => store.messenger?.lists.online.length === 2);
    await store.messenger!.selectPerson('bruno');
    expect(made).to.deep.equal([[stun, turn('old')]]);

    server.say({ type: 'ice-servers', iceServers: [stun, turn('fresh')] });
    // Frames are handled in order: once the next frame's effect shows, the refresh was handled.
    server.say({ type: 'user-offline', user: 'bruno' });
    await until(store, () => store.messenger?.lists.online.length === 1);
    await store.messenger!.selectPerson('chiara');
    expect(made).to.deep.equal([
      [stun, turn('old')],
      [stun, turn('fresh')],
    ]);
  });

  it('announces ice-refresh when resuming a remembered session', async () => {
    saveSession({ user: 'aurelia', token: 't'.repeat(32), expiresAt: Date.now() + 3_600_000 });
    const server = new ServerSide();
    const store = kept(
      new AppStore({
        signalingUrl: 'ws://parley.test/ws',
        createSocket: server.createSocket,
        createLink: recordingLinks().createLink,
      }),
    );
    await store.start();
    server.open();
    await server.sentCount(1);
    const { identity, ...resume } = server.sent[0]!;
    expect(resume).to.deep.equal({
      type: 'resume',
      version: PROTOCOL_VERSION,
      token: 't'.repeat(32),
      capabilities: ['ice-refresh', 'identity-keys', 'group-log', 'users-offline', 'online-pieces'],
    });
    expect(identity, 'this browser’s device key').to.have.keys(['alg', 'key']);
  });
});
