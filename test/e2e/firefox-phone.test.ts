// Firefox at a phone's width: one pane at a time, Back returns to the lists. One server and one
// Firefox for the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorld } from './harness/world.js';

const world = useWorld(['firefox']);

/** An iPhone 12–15's viewport in CSS pixels. */
const PHONE = { width: 390, height: 844 };
/** The smallest comfortable touch target (WCAG 2.5.5, Apple's HIG). */
const TOUCH_TARGET_PX = 44;

test('on a phone in Firefox, the lists and the conversation take turns and Back returns to the lists', async () => {
  const pia = await world().register('pia');
  const pablo = await world().register('pablo');
  await pia.page.setViewportSize(PHONE);
  const online = pia.page.getByRole('list', { name: 'Online users', exact: true });
  const back = pia.page.getByRole('button', { name: 'Back', exact: true });

  await pia.waitUntilOnline('pablo');
  assert.equal(await back.count(), 0, 'no Back while the lists show');
  await pia.openChat('pablo');
  assert.equal(await online.isVisible(), false, 'the conversation takes the whole screen');
  for (const name of ['Back', 'Send']) {
    const box = await pia.page.getByRole('button', { name, exact: true }).boundingBox();
    assert.ok(
      box && Math.min(box.width, box.height) >= TOUCH_TARGET_PX,
      `${name} is a touch target: ${JSON.stringify(box)}`,
    );
  }
  const composer = await pia.messageBox.boundingBox();
  assert.ok(
    composer && composer.y >= 0 && composer.y + composer.height <= PHONE.height,
    'Message is on screen',
  );

  await pablo.openChat('pia');
  await pia.send('Hi from a phone-sized Firefox');
  await pablo.expectMessage('Hi from a phone-sized Firefox', { author: 'pia' });
  await pablo.send('Got it');
  await pia.expectMessage('Got it', { author: 'pablo' });

  await back.click();
  await online.waitFor();
  assert.equal(await pia.messageLog.count(), 0, 'Back leaves the conversation');
  await pia.openChat('pablo');
  assert.deepEqual(await pia.messageTexts(), ['Hi from a phone-sized Firefox', 'Got it']);
});
