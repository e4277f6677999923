import { expect } from '@open-wc/testing';
import { ServerSide, forgetAureliaAfterEach, startStore, until, welcome } from './server-side.js';

describe('AppStore: users gone offline together', () => {
  const kept = forgetAureliaAfterEach();

  it('takes everyone a users-offline frame names offline, and keeps the others', async () => {
    const server = new ServerSide();
    const store = kept(await startStore(server));
    store.login('aurelia', 'correct horse battery staple');
    await server.sentCount(1);
    server.say(welcome({ online: ['bruno', 'chiara', 'dario', 'elena'] }));
    await until(store, () => store.messenger?.lists.online.length === 4);
    server.say({ type: 'users-offline', users: ['bruno', 'dario', 'nobody-we-knew'] });
    await until(store, () => store.messenger?.lists.online.length === 2);
    expect([...store.messenger!.lists.online].sort()).to.deep.equal(['chiara', 'elena']);
  });
});
