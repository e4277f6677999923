import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../../client/components/conversation/safety-number-dialog.js';
import type { IdentityActionEvent } from '../../../../client/components/conversation/identity-notice.js';
import { getByRole } from '../../helpers/by-role.js';

const DIGITS = '300354477692869396892869876765458257569162576843440918079131';

describe('<safety-number-dialog>', () => {
  it('shows the 60 digits in groups of 5, a QR code, and Mark as verified', async () => {
    const el = await fixture(
      html`<safety-number-dialog peer="bob" .digits=${DIGITS} open></safety-number-dialog>`,
    );
    const dialog = getByRole(el, 'dialog', 'Safety number');
    expect(dialog.textContent).to.contain('30035 44776 92869');
    // The helper reads no `alt`; Playwright's getByRole('img', { name }) does.
    await waitUntil(() =>
      el.shadowRoot
        ?.querySelector('img[alt="Safety number QR code"]')
        ?.getAttribute('src')
        ?.startsWith('data:image/png'),
    );
    const fired = oneEvent(el, 'identity-action');
    getByRole(el, 'button', 'Mark as verified').click();
    const event = (await fired) as unknown as IdentityActionEvent;
    expect([event.peer, event.action]).to.deep.equal(['bob', 'mark-verified']);
  });
});
