import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/sidebar/user-list.js';
import type { UserList } from '../../../../client/components/sidebar/user-list.js';
import type { ConversationSelectEvent, InvitationAnswerEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

describe('<user-list>', () => {
  it('is a list named by its label with one button per person, unread counts in the name', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Online users"
        .entries=${[
          { conversation: 'dm:alice:me', name: 'alice', online: true, unread: 2 },
          { conversation: 'dm:爱丽丝:me', name: '爱丽丝', online: true, unread: 0 },
        ]}
      ></user-list>`,
    );
    const ul = getByRole(list, 'list', 'Online users');
    expect(queryAllByRole(ul, 'listitem')).to.have.length(2);
    getByRole(list, 'button', 'alice, 2 unread');
    getByRole(list, 'button', '爱丽丝');
  });

  it('renders again only when an entry changes, not for a new list of the same entries', async () => {
    const entries = () => [
      { conversation: 'dm:alice:me', name: 'alice', online: true, unread: 2 },
      { conversation: 'group:g1', name: 'Friends', online: true, unread: 0, invitedBy: 'bob' },
    ];
    const list = await fixture<UserList>(html`<user-list label="Groups" .entries=${entries()}></user-list>`);
    list.entries = entries();
    expect(list.isUpdatePending, 'the same entries in a new list').to.equal(false);
    list.entries = entries().map((entry, i) => (i === 0 ? { ...entry, unread: 3 } : entry));
    expect(list.isUpdatePending, 'an unread count changed').to.equal(true);
    await list.updateComplete;
    getByRole(list, 'button', 'alice, 3 unread');
  });

  it('marks offline people in the name', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Contacts"
        .entries=${[{ conversation: 'dm:bob:me', name: 'bob', online: false, unread: 1 }]}
      ></user-list>`,
    );
    getByRole(list, 'button', 'bob, offline, 1 unread');
  });

  it('fires conversation-select with the person when a button is activated', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Online users"
        .entries=${[{ conversation: 'dm:kirito:me', name: 'kirito', online: true, unread: 0 }]}
      ></user-list>`,
    );
    setTimeout(() => getByRole(list, 'button', 'kirito').click());
    const event = await (oneEvent(list, 'conversation-select') as Promise<ConversationSelectEvent>);
    expect(event.conversation).to.equal('dm:kirito:me');
  });

  it('marks the open conversation as current', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Online users"
        .entries=${[
          { conversation: 'dm:a:me', name: 'a', online: true, unread: 0 },
          { conversation: 'dm:b:me', name: 'b', online: true, unread: 0 },
        ]}
        .selected=${'dm:b:me'}
      ></user-list>`,
    );
    expect(getByRole(list, 'button', 'b').getAttribute('aria-current')).to.equal('true');
    expect(getByRole(list, 'button', 'a').getAttribute('aria-current')).to.equal('false');
  });

  it('shows an invitation marked invited, with Accept and Decline that answer it, and nothing to open', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Groups"
        .markOffline=${false}
        .entries=${[
          {
            conversation: 'group:g' + 'a'.repeat(24),
            name: 'Trip',
            online: true,
            unread: 0,
            invitedBy: 'bob',
          },
        ]}
      ></user-list>`,
    );
    expect(list.shadowRoot?.textContent).to.match(/Trip, invited by bob/);
    expect(queryAllByRole(list, 'button').map((b) => b.textContent?.trim())).to.deep.equal([
      'Accept',
      'Decline',
    ]);
    for (const [name, accept] of [
      ['Accept', true],
      ['Decline', false],
    ] as const) {
      setTimeout(() => getByRole(list, 'button', name).click());
      const event = await (oneEvent(list, 'invitation-answer') as Promise<InvitationAnswerEvent>);
      expect([event.groupId, event.accept]).to.deep.equal(['g' + 'a'.repeat(24), accept]);
    }
  });

  it('shows only the people whose name contains the filter, ignoring case and width', async () => {
    const entries = [
      { conversation: 'dm:alice:me', name: 'Alice', online: true, unread: 0 },
      { conversation: 'dm:bob:me', name: 'bob', online: true, unread: 0 },
      { conversation: 'dm:张伟:me', name: '张伟', online: true, unread: 0 },
    ];
    const list = await fixture<UserList>(
      html`<user-list label="Online users" .entries=${entries} filter="ＡＬＩ"></user-list>`,
    );
    getByRole(list, 'button', 'Alice');
    expect(queryAllByRole(list, 'button', 'bob')).to.have.length(0);

    list.filter = '伟';
    await list.updateComplete;
    getByRole(list, 'button', '张伟');
    expect(queryAllByRole(list, 'button')).to.have.length(1);

    list.filter = '';
    await list.updateComplete;
    expect(queryAllByRole(list, 'button')).to.have.length(3);
  });

  it('says no one matches when the filter hides everyone', async () => {
    const list = await fixture<UserList>(
      html`<user-list
        label="Online users"
        emptyText="No one else is online right now."
        .entries=${[{ conversation: 'dm:bob:me', name: 'bob', online: true, unread: 0 }]}
        filter="zed"
      ></user-list>`,
    );
    expect(list.shadowRoot?.textContent).to.contain('No one matches.');
    expect(list.shadowRoot?.textContent).not.to.contain('No one else is online');
  });
});
