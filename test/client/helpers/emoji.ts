/**
 * The emoji data as the test runner serves it: the very file scripts/build.mjs copies into the
 * built client (the runner serves the repository, not dist/, so it has no /emoji-data.json).
 */
import { waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { getByRole, queryAllByRole } from './by-role.js';

export const TEST_EMOJI_DATA_URL = '/node_modules/emoji-picker-element-data/en/emojibase/data.json';

/**
 * How long a test that loads the emoji data may take: the first load parses ~430 KB and writes it
 * into IndexedDB, which takes 2 s or more on a busy 2-core machine (the default timeout is 5 s).
 */
export const EMOJI_LOAD_TIMEOUT_MS = 20_000;

/**
 * In the open picker dialog **Emoji** under `root`: types `query` into its search field (which has
 * the focus) and returns the result option for the emoji named `name` once it shows. The picker
 * names its options `🚀, rocket` (emoji, then name, then any other shortcodes).
 */
export async function searchPicker(root: Element, query: string, name: string): Promise<HTMLElement> {
  const dialog = getByRole(root, 'dialog', 'Emoji');
  const pattern = new RegExp(`^\\S+, ${name}(,|$)`);
  await sendKeys({ type: query });
  await waitUntil(
    () => queryAllByRole(dialog, 'option', pattern).length > 0,
    `no option ${name} for "${query}"`,
    {
      timeout: EMOJI_LOAD_TIMEOUT_MS - 2000,
    },
  );
  return queryAllByRole(dialog, 'option', pattern)[0] as HTMLElement;
}
