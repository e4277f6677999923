import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../../client/components/shell/sign-in-form.js';
import type { SignInForm } from '../../../../client/components/shell/sign-in-form.js';
import type { SignInEvent } from '../../../../client/components/events.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

function field(form: SignInForm, label: string): HTMLInputElement {
  const input = form.shadowRoot?.querySelector<HTMLInputElement>(`input[name="${label.toLowerCase()}"]`);
  if (!input) throw new Error(`no ${label} field`);
  return input;
}

describe('<sign-in-form>', () => {
  it('labels its fields and buttons as the UI contract says', async () => {
    const form = await fixture<SignInForm>(html`<sign-in-form></sign-in-form>`);
    getByRole(form, 'textbox', 'Username');
    getByRole(form, 'password', 'Password');
    getByRole(form, 'button', 'Log in');
    getByRole(form, 'button', 'Create account');
    expect(queryAllByRole(form, 'alert')).to.have.length(0);
  });

  it('says why the person is here in a status, apart from errors', async () => {
    const form = await fixture<SignInForm>(
      html`<sign-in-form .notice=${'You signed out everywhere.'}></sign-in-form>`,
    );
    expect(getByRole(form, 'status').textContent).to.equal('You signed out everywhere.');
    expect(queryAllByRole(form, 'alert')).to.have.length(0);
  });

  it('fires a login event with what was typed when Log in is clicked', async () => {
    const form = await fixture<SignInForm>(html`<sign-in-form></sign-in-form>`);
    field(form, 'Username').value = '爱丽丝';
    field(form, 'Password').value = 'correct horse';
    setTimeout(() => getByRole(form, 'button', 'Log in').click());
    const event = await (oneEvent(form, 'sign-in') as Promise<SignInEvent>);
    expect([event.mode, event.username, event.password]).to.deep.equal(['login', '爱丽丝', 'correct horse']);
  });

  it('fires a register event from Create account', async () => {
    const form = await fixture<SignInForm>(html`<sign-in-form></sign-in-form>`);
    field(form, 'Username').value = 'bob';
    field(form, 'Password').value = 'hunter22!';
    setTimeout(() => getByRole(form, 'button', 'Create account').click());
    const event = await (oneEvent(form, 'sign-in') as Promise<SignInEvent>);
    expect(event.mode).to.equal('register');
  });

  it('shows an error in an alert and keeps what was typed', async () => {
    const form = await fixture<SignInForm>(html`<sign-in-form></sign-in-form>`);
    field(form, 'Username').value = 'alice';
    field(form, 'Password').value = 'wrong password';
    form.error = 'Wrong username or password.';
    await form.updateComplete;
    expect(getByRole(form, 'alert').textContent).to.equal('Wrong username or password.');
    expect(field(form, 'Username').value).to.equal('alice');
    expect(field(form, 'Password').value).to.equal('wrong password');
  });

  it('disables both buttons while the server has not answered', async () => {
    const form = await fixture<SignInForm>(html`<sign-in-form .pending=${'login'}></sign-in-form>`);
    expect(getByRole<HTMLButtonElement>(form, 'button', 'Log in').disabled).to.equal(true);
    expect(getByRole<HTMLButtonElement>(form, 'button', 'Create account').disabled).to.equal(true);
  });
});
