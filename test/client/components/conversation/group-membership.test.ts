import { expect, fixture, html } from '@open-wc/testing';
import '../../../../client/components/conversation/conversation-view.js';
import type { ConversationView } from '../../../../client/components/conversation/conversation-view.js';
import type { GroupMembershipView, OpenConversationView } from '../../../../client/app/messenger.js';

const group = (membership: GroupMembershipView): OpenConversationView => ({
  conversation: `group:g${'a'.repeat(24)}`,
  kind: 'group',
  title: 'Team',
  peer: null,
  members: ['alice', 'bob'],
  peerOnline: true,
  link: 'none',
  messages: [],
  identity: null,
  membership,
});

async function shown(membership: GroupMembershipView): Promise<{ text: string; alerts: string[] }> {
  const element = await fixture<ConversationView>(
    html`<conversation-view .conversation=${group(membership)}></conversation-view>`,
  );
  const root = element.shadowRoot!;
  const text = root.textContent?.replace(/\s+/g, ' ') ?? '';
  const alerts = [...root.querySelectorAll('[role="alert"]')].map((node) => node.textContent?.trim() ?? '');
  return { text, alerts };
}

describe('<conversation-view>: group membership by the signed log', () => {
  it('shows a member the server lists but the log does not admit as not verified, apart from the members', async () => {
    const { text, alerts } = await shown({ signed: true, unverified: ['eve'], forked: false });
    expect(text).to.contain('2 members: alice, bob');
    expect(text).to.contain('eve (not verified)');
    expect(text).not.to.contain('membership not verified');
    expect(alerts).to.deep.equal([]);
  });

  it('says a group without a signed log has an unverified membership, and warns of a fork', async () => {
    expect((await shown({ signed: false, unverified: [], forked: false })).text).to.contain(
      'membership not verified',
    );
    const forked = await shown({ signed: true, unverified: [], forked: true });
    expect(forked.text).not.to.contain('not verified');
    expect(forked.alerts.join(' ')).to.contain('membership history forked');
  });
});
