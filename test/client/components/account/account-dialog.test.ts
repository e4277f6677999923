import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/account/account-dialog.js';
import type {
  AccountActionEvent,
  AccountDialog,
} from '../../../../client/components/account/account-dialog.js';
import type { AccountRequest } from '../../../../client/app/session/app-store.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

/** An `<account-dialog>` for alice, opened with **Account**; records every event it fires. */
async function openDialog(): Promise<{ element: AccountDialog; fired: AccountActionEvent[] }> {
  const element = await fixture<AccountDialog>(html`<account-dialog user="alice"></account-dialog>`);
  const fired: AccountActionEvent[] = [];
  element.addEventListener('account-action', (event) => fired.push(event));
  getByRole(element, 'button', 'Account').click();
  await element.updateComplete;
  return { element, fired };
}

function field(element: AccountDialog, name: string): HTMLInputElement {
  return getByRole<HTMLInputElement>(element, 'password', name);
}

function type(element: AccountDialog, current: string, next: string, confirm: string): void {
  field(element, 'Current password').value = current;
  field(element, 'New password').value = next;
  field(element, 'Confirm new password').value = confirm;
}

async function answer(element: AccountDialog, request: AccountRequest): Promise<void> {
  element.request = request;
  await element.updateComplete;
}

describe('<account-dialog>', () => {
  it('Account opens a modal dialog named Account, with the three password fields', async () => {
    const { element, fired } = await openDialog();
    const dialog = getByRole<HTMLDialogElement>(element, 'dialog', 'Account');
    expect(dialog.open).to.equal(true);
    expect(dialog.textContent).to.contain('alice');
    for (const name of ['Current password', 'New password', 'Confirm new password']) {
      expect(field(element, name).type).to.equal('password');
    }
    getByRole(element, 'button', 'Change password');
    getByRole(element, 'button', 'Sign out everywhere');
    // Opening afresh asks the store to forget the last result.
    expect(fired.map((event) => event.action)).to.deep.equal(['dismiss']);
  });

  it('Change password fires what the three fields hold', async () => {
    const { element } = await openDialog();
    type(element, 'old secret', 'new secret 1', 'new secret 1');
    setTimeout(() => getByRole(element, 'button', 'Change password').click());
    const event = await (oneEvent(element, 'account-action') as Promise<AccountActionEvent>);
    expect(event.action).to.equal('change-password');
    expect(event.passwords).to.deep.equal({
      current: 'old secret',
      next: 'new secret 1',
      confirm: 'new secret 1',
    });
  });

  it('shows an error in an alert, marks and focuses its field, and keeps what was typed', async () => {
    const { element } = await openDialog();
    type(element, 'old secret', 'new secret 1', 'new secret 2');
    await answer(element, {
      kind: 'error',
      command: 'change-password',
      text: 'The two new passwords are not the same.',
      field: 'confirm',
    });
    expect(getByRole(element, 'alert').textContent).to.equal('The two new passwords are not the same.');
    const confirm = field(element, 'Confirm new password');
    expect(confirm.getAttribute('aria-invalid')).to.equal('true');
    expect(field(element, 'New password').getAttribute('aria-invalid')).to.equal('false');
    expect(element.shadowRoot!.activeElement).to.equal(confirm);
    expect([field(element, 'Current password').value, confirm.value]).to.deep.equal([
      'old secret',
      'new secret 2',
    ]);
  });

  it('disables Change password while the server has not answered', async () => {
    const { element } = await openDialog();
    await answer(element, { kind: 'pending', command: 'change-password' });
    const button = getByRole<HTMLButtonElement>(element, 'button', 'Change password');
    expect(button.disabled).to.equal(true);
    expect(button.getAttribute('aria-busy')).to.equal('true');
  });

  it('says the password changed in a status, and empties the fields', async () => {
    const { element } = await openDialog();
    type(element, 'old secret', 'new secret 1', 'new secret 1');
    await answer(element, { kind: 'done', command: 'change-password', text: 'Your password has changed.' });
    expect(getByRole(element, 'status').textContent).to.equal('Your password has changed.');
    expect(queryAllByRole(element, 'alert')).to.have.length(0);
    for (const name of ['Current password', 'New password', 'Confirm new password']) {
      expect(field(element, name).value).to.equal('');
    }
  });

  it('asks before signing out everywhere, with the safe answer focused; Cancel fires nothing', async () => {
    const { element, fired } = await openDialog();
    getByRole(element, 'button', 'Sign out everywhere').click();
    await element.updateComplete;
    const cancel = getByRole(element, 'button', 'Cancel');
    expect(element.shadowRoot!.activeElement).to.equal(cancel);
    getByRole(element, 'button', 'Yes, sign out everywhere');
    cancel.click();
    await element.updateComplete;
    expect(queryAllByRole(element, 'button').filter((b) => b.textContent?.includes('Yes'))).to.have.length(0);
    expect(fired.map((event) => event.action)).to.deep.equal(['dismiss']);
  });

  it('signs out everywhere once confirmed, and shows why it could not', async () => {
    const { element } = await openDialog();
    getByRole(element, 'button', 'Sign out everywhere').click();
    await element.updateComplete;
    setTimeout(() => getByRole(element, 'button', 'Yes, sign out everywhere').click());
    const event = await (oneEvent(element, 'account-action') as Promise<AccountActionEvent>);
    expect(event.action).to.equal('sign-out-everywhere');
    await answer(element, {
      kind: 'error',
      command: 'logout-everywhere',
      text: 'Cannot reach the Parley server, so nothing was changed.',
      field: null,
    });
    expect(getByRole(element, 'alert').textContent).to.equal(
      'Cannot reach the Parley server, so nothing was changed.',
    );
  });

  it('opened again, forgets what was typed and goes back from the confirmation', async () => {
    const { element } = await openDialog();
    type(element, 'old secret', 'x', 'y');
    getByRole(element, 'button', 'Sign out everywhere').click();
    await element.updateComplete;
    getByRole(element, 'button', 'Close').click();
    getByRole(element, 'button', 'Account').click();
    await element.updateComplete;
    expect(field(element, 'Current password').value).to.equal('');
    getByRole(element, 'button', 'Sign out everywhere');
  });
});
