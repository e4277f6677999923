import { expect, fixture, html } from '@open-wc/testing';
import '../../../../client/components/conversation/conversation-view.js';
import type { ConversationView } from '../../../../client/components/conversation/conversation-view.js';
import type { OpenConversationView } from '../../../../client/app/messenger.js';
import { getByRole } from '../../helpers/by-role.js';

const direct: OpenConversationView = {
  conversation: 'd:alice:bob',
  kind: 'direct',
  title: 'bob',
  peer: 'bob',
  members: ['alice', 'bob'],
  peerOnline: true,
  link: 'open',
  messages: [],
};

async function statusOf(changes: Partial<OpenConversationView>): Promise<string> {
  const element = await fixture<ConversationView>(
    html`<conversation-view .conversation=${{ ...direct, ...changes }}></conversation-view>`,
  );
  return getByRole(element, 'status').textContent?.trim() ?? '';
}

describe('<conversation-view>: how the conversation is connected', () => {
  it('says the channel runs directly, or relayed through TURN, once its route is known', async () => {
    expect(await statusOf({ route: 'direct' })).to.equal('online, connected directly');
    expect(await statusOf({ route: 'relayed' })).to.equal('online, relayed through a TURN server');
    expect(await statusOf({ route: null })).to.equal('online, connected');
  });

  it('says in words why no connection could be made, while it keeps trying', async () => {
    expect(await statusOf({ link: 'connecting', connectProblem: 'no-relay' })).to.equal(
      'online, but no connection could be made: no relay server is configured, and the networks cannot reach each other directly',
    );
    expect(await statusOf({ link: 'none', connectProblem: 'blocked' })).to.equal(
      'online, but no connection could be made: the other network blocks the connection, even through the relay server',
    );
    expect(await statusOf({ link: 'connecting', connectProblem: null })).to.equal('online, connecting…');
  });

  it('says nothing of a route or a problem when the other person is offline', async () => {
    expect(await statusOf({ peerOnline: false, link: 'none', connectProblem: 'blocked' })).to.match(
      /^offline/,
    );
  });
});
