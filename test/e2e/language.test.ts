/**
 * Parley in 简体中文: a browser whose language is Chinese gets the app in Chinese, and a person
 * finds every control by its Chinese name; the **Language** choice outlives a reload.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Person } from './harness/person.js';
import { DEFAULT_PASSWORD } from './harness/person.js';
import { useWorlds } from './harness/world.js';
import type { World } from './harness/world.js';

const inWorld = useWorlds();

/** A person whose browser speaks Chinese (China), who creates an account through the Chinese form. */
async function registerInChinese(world: World, name: string): Promise<Person> {
  const person = await world.arrive(name, { locale: 'zh-CN' });
  const page = person.page;
  await page.getByRole('textbox', { name: '用户名', exact: true }).fill(name);
  await page.getByLabel('密码', { exact: true }).fill(DEFAULT_PASSWORD);
  await page.getByRole('button', { name: '创建账号', exact: true }).click();
  await page.getByRole('button', { name: '退出登录', exact: true }).waitFor();
  return person;
}

async function documentLanguage(person: Person): Promise<string> {
  return person.page.evaluate(() => document.documentElement.lang);
}

test('a Chinese browser gets Parley in 简体中文: sign in, talk, pick an emoji by its Chinese name', () =>
  inWorld(async (world) => {
    const alice = await registerInChinese(world, 'alice');
    const bob = await registerInChinese(world, 'bob');
    assert.equal(await documentLanguage(alice), 'zh-Hans');
    assert.equal(
      await alice.page.getByRole('combobox', { name: '语言', exact: true }).inputValue(),
      'zh-Hans',
      'Language shows the language in use',
    );

    const online = alice.page.getByRole('list', { name: '在线用户', exact: true });
    await online.getByRole('button', { name: /^bob\b/ }).click();
    await bob.page
      .getByRole('list', { name: '在线用户', exact: true })
      .getByRole('button', { name: /^alice\b/ })
      .click();

    // The emoji picker searches Chinese names: 火箭 is a rocket.
    const box = alice.page.getByRole('textbox', { name: '消息', exact: true });
    await box.fill('发射 ');
    await alice.page.getByRole('button', { name: '表情', exact: true }).click();
    const picker = alice.page.getByRole('dialog', { name: '表情', exact: true });
    await picker.getByRole('combobox', { name: '搜索' }).fill('火箭');
    await picker.getByRole('option', { name: /^🚀, 火箭/ }).click();
    await picker.waitFor({ state: 'hidden' });
    assert.equal(await box.inputValue(), '发射 🚀');
    await alice.page.getByRole('button', { name: '发送', exact: true }).click();

    const sent = alice.page
      .getByRole('log', { name: '消息记录', exact: true })
      .getByRole('article')
      .filter({ hasText: '发射 🚀' });
    await sent.getByText(/^(已送达|已读)$/).waitFor();
    await bob.page
      .getByRole('log', { name: '消息记录', exact: true })
      .getByRole('article')
      .filter({ hasText: '发射 🚀' })
      .waitFor();
    // The day separator, through Intl in the page's language.
    await bob.page
      .getByRole('log', { name: '消息记录', exact: true })
      .getByText('今天', { exact: true })
      .waitFor();
  }));

test('the language chosen with Language is remembered across a reload, over the browser’s own', () =>
  inWorld(async (world) => {
    const carol = await world.arrive('carol', { locale: 'zh-CN' });
    const page = carol.page;
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();

    await page.getByRole('combobox', { name: '语言', exact: true }).selectOption({ label: 'English' });
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    assert.equal(await documentLanguage(carol), 'en');

    await carol.reload();
    await page.getByRole('button', { name: 'Create account', exact: true }).waitFor();
    assert.equal(await documentLanguage(carol), 'en');
    assert.equal(await page.getByRole('button', { name: '登录' }).count(), 0, 'no Chinese after the reload');

    // Back to Chinese through the English name of the switch; the option keeps its own name.
    await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption({ label: '简体中文' });
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    await carol.reload();
    await page.getByRole('button', { name: '创建账号', exact: true }).waitFor();
  }));

test('a Chinese page opens offline in Chinese: the service worker keeps the 简体中文 texts too', () =>
  inWorld(async (world) => {
    const dan = await registerInChinese(world, 'dan');
    await dan.page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await world.server.kill();
    await dan.context.setOffline(true);
    await dan.reload();
    await dan.page.getByRole('button', { name: '退出登录', exact: true }).waitFor();
    assert.equal(await documentLanguage(dan), 'zh-Hans');
  }));
