import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/conversation/identity-notice.js';
import type { IdentityView } from '../../../../client/app/messenger.js';
import type { IdentityActionEvent } from '../../../../client/components/conversation/identity-notice.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

const calm: IdentityView = {
  verified: false,
  connectionUnverified: false,
  keyChange: null,
  serverKeyMismatch: false,
  safetyNumber: null,
};

const notice = (identity: IdentityView) =>
  fixture(html`<identity-notice peer="bob" .identity=${identity}></identity-notice>`);

describe('<identity-notice>', () => {
  it('says nothing while all is well', async () => {
    const el = await notice(calm);
    expect(queryAllByRole(el, 'alert')).to.have.length(0);
    expect(el.shadowRoot?.textContent?.trim()).to.equal('');
  });

  it('alerts that a connection could not be verified', async () => {
    const el = await notice({ ...calm, connectionUnverified: true });
    expect(getByRole(el, 'alert').textContent).to.contain('could not be verified');
  });

  it('notes an unverified contact’s changed safety number, without a button', async () => {
    const el = await notice({ ...calm, keyChange: 'notice' });
    expect(el.shadowRoot?.textContent).to.contain('safety number with bob changed');
    expect(queryAllByRole(el, 'button')).to.have.length(0);
  });

  it('blocks a verified contact’s new key until the person accepts it', async () => {
    const el = await notice({ ...calm, keyChange: 'blocked' });
    expect(getByRole(el, 'alert').textContent).to.contain('safety number with bob changed');
    const fired = oneEvent(el, 'identity-action');
    getByRole(el, 'button', 'Accept new safety number').click();
    const event = (await fired) as unknown as IdentityActionEvent;
    expect([event.peer, event.action]).to.deep.equal(['bob', 'accept-new-key']);
  });
});
