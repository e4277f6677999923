import { expect, fixture, html } from '@open-wc/testing';
import type { MessageView } from '../../../../client/app/conversations/message-view.js';
import '../../../../client/components/composer/message-composer.js';
import '../../../../client/components/conversation/message-list.js';
import type { MessageList } from '../../../../client/components/conversation/message-list.js';
import '../../../../client/components/shell/language-select.js';
import type { LanguageSelect } from '../../../../client/components/shell/language-select.js';
import '../../../../client/components/shell/sign-in-form.js';
import { chooseLanguage, rememberedLanguage, startLanguage } from '../../../../client/i18n/locale.js';
import { getByRole, queryAllByRole } from '../../helpers/by-role.js';

/** Picks `value` in the select as a person does: the value changes, then `change` fires. */
async function pick(select: HTMLSelectElement, value: string): Promise<void> {
  const ready = new Promise<void>((resolve) =>
    window.addEventListener('lit-localize-status', (event) => event.detail.status === 'ready' && resolve()),
  );
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await ready;
}

/** Waits until every element has rendered in the new language. */
async function settled(...elements: HTMLElement[]): Promise<void> {
  for (const element of elements)
    await (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
}

const own: MessageView = {
  id: 'a'.repeat(32),
  author: 'me',
  text: '你好',
  file: null,
  sentAt: Date.now(),
  own: true,
  state: 'sent',
  deliveredCount: 0,
  recipientCount: 0,
  reactions: [],
};

describe('<language-select> and the app in 简体中文', () => {
  afterEach(async () => {
    await chooseLanguage('en');
    localStorage.clear();
  });

  it('offers English and 简体中文 under their own names, in a select named Language', async () => {
    const element = await fixture<LanguageSelect>(html`<language-select></language-select>`);
    const select = getByRole<HTMLSelectElement>(element, 'combobox', 'Language');
    expect([...select.options].map((option) => option.textContent?.trim())).to.deep.equal([
      'English',
      '简体中文',
    ]);
    expect(select.value).to.equal('en');
  });

  it('switches everything on screen to Chinese, names included, and back to the exact English names', async () => {
    const page = await fixture<HTMLElement>(
      html`<div>
        <language-select></language-select>
        <sign-in-form></sign-in-form>
        <message-list></message-list>
      </div>`,
    );
    const select = page.querySelector('language-select') as LanguageSelect;
    const form = page.querySelector('sign-in-form') as HTMLElement;
    const list = page.querySelector('message-list') as MessageList;
    list.messages = [own];
    await settled(select, form, list);

    await pick(getByRole<HTMLSelectElement>(select, 'combobox', 'Language'), 'zh-Hans');
    await settled(select, form, list);
    expect(document.documentElement.lang).to.equal('zh-Hans');
    getByRole(select, 'combobox', '语言');
    getByRole(form, 'textbox', '用户名');
    getByRole(form, 'password', '密码');
    getByRole(form, 'button', '登录');
    getByRole(form, 'button', '创建账号');
    expect(queryAllByRole(form, 'button', 'Log in')).to.have.length(0);
    const log = getByRole(list, 'log', '消息记录');
    expect(log.textContent).to.contain('今天');
    expect(log.textContent).to.contain('已发送');
    // An element made after the change is in Chinese from its first render.
    const composer = await fixture<HTMLElement>(html`<message-composer></message-composer>`);
    getByRole(composer, 'button', '发送');
    getByRole(composer, 'textbox', '消息');
    expect(rememberedLanguage()).to.equal('zh-Hans');

    await pick(getByRole<HTMLSelectElement>(select, 'combobox', '语言'), 'en');
    await settled(select, form, list, composer);
    expect(document.documentElement.lang).to.equal('en');
    getByRole(form, 'button', 'Log in');
    getByRole(form, 'button', 'Create account');
    getByRole(composer, 'button', 'Send');
    expect(getByRole(list, 'log', 'Messages').textContent).to.contain('sent');
    expect(rememberedLanguage()).to.equal('en');
  });

  it('starts in the language remembered on this browser', async () => {
    localStorage.setItem('parley.language', 'zh-Hans');
    await startLanguage();
    const form = await fixture<HTMLElement>(html`<sign-in-form></sign-in-form>`);
    getByRole(form, 'button', '登录');
    expect(document.documentElement.lang).to.equal('zh-Hans');
  });
});
