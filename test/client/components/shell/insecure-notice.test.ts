import { expect, fixture, html } from '@open-wc/testing';
import '../../../../client/components/shell/insecure-notice.js';
import type { InsecureNotice } from '../../../../client/components/shell/insecure-notice.js';
import { queryAllByRole } from '../../helpers/by-role.js';

describe('<insecure-notice>', () => {
  it('says the connection is not secure on a page that is not a secure context', async () => {
    const notice = await fixture<InsecureNotice>(html`<insecure-notice .secure=${false}></insecure-notice>`);
    const notes = queryAllByRole(notice, 'note');
    expect(notes).to.have.length(1);
    expect(notes[0]?.textContent).to.match(/connection is not secure/i);
    expect(notes[0]?.textContent).to.match(/identity key/);
  });

  it('says nothing in a secure context, which the test page is', async () => {
    const notice = await fixture<InsecureNotice>(html`<insecure-notice></insecure-notice>`);
    expect(notice.secure).to.equal(true);
    expect(queryAllByRole(notice, 'note')).to.have.length(0);
  });
});
