import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { LitElement } from 'lit';
import '../../../../client/components/shell/update-notice.js';
import { ThemeController } from '../../../../client/components/shell/theme-controller.js';
import type { UpdateNotice } from '../../../../client/components/shell/update-notice.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

/** A host for the controller alone: <parley-app> needs a whole app store to render. */
class ThemedHost extends LitElement {
  readonly theme = new ThemeController(this);
}
customElements.define('themed-host', ThemedHost);

const THEME_KEY = 'parley.theme';
const systemDark = matchMedia('(prefers-color-scheme: dark)').matches;

describe('Dark theme', () => {
  afterEach(() => localStorage.removeItem(THEME_KEY));

  it('follows the system until chosen, and remembers the choice', async () => {
    localStorage.removeItem(THEME_KEY);
    const host = await fixture<ThemedHost>(html`<themed-host></themed-host>`);
    expect(host.getAttribute('theme')).to.equal(systemDark ? 'dark' : 'light');

    host.theme.toggle();
    const chosen = systemDark ? 'light' : 'dark';
    expect(host.getAttribute('theme')).to.equal(chosen);
    expect(document.documentElement.style.colorScheme).to.equal(chosen);
    expect(localStorage.getItem(THEME_KEY)).to.equal(chosen);

    const later = await fixture<ThemedHost>(html`<themed-host></themed-host>`);
    expect(later.getAttribute('theme')).to.equal(chosen, 'a new page keeps the choice');
  });
});

describe('<update-notice>', () => {
  it('says nothing until a new build waits, then names it and offers Reload', async () => {
    const notice = await fixture<UpdateNotice>(html`<update-notice></update-notice>`);
    expect(getByRole(notice, 'status').textContent?.trim()).to.equal('');
    expect(queryAllByRole(notice, 'button')).to.have.length(0);

    notice.build = 'feedc0ffee42';
    await notice.updateComplete;
    const status = getByRole(notice, 'status');
    expect(status.textContent).to.contain('A new version of Parley is ready').and.to.contain('feedc0ffee42');
    setTimeout(() => getByRole(status, 'button', 'Reload').click());
    await oneEvent(notice, 'app-reload');
  });
});
