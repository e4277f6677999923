import type { Logger } from '../logger.js';
import type { AccountService } from './account-service.js';

/** The accounts `--demo` / `PARLEY_DEMO=1` creates, all with `DEMO_PASSWORD`. */
export const DEMO_USERNAMES = ['admin', 'kirito', 'asuna', 'alice', 'saber'] as const;
export const DEMO_PASSWORD = 'parley-demo';

/** Creates the demo accounts that do not exist yet; existing ones (and their passwords) are left alone. */
export async function ensureDemoAccounts(accounts: AccountService, logger: Logger): Promise<void> {
  const created: string[] = [];
  for (const name of DEMO_USERNAMES) {
    if (await accounts.ensureAccount(name, DEMO_PASSWORD)) created.push(name);
  }
  logger.info({ created }, 'demo accounts ready');
}
