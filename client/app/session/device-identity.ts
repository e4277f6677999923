/**
 * This browser's device key per account, as sign-in announces it to the server: a hint the server
 * hands to contacts with presence, which they compare with the key that signs the hello.
 */
import type { PublicIdentity } from '../../../shared/identity-protocol.js';
import { nameKey } from '../../../shared/names.js';
import { openAccountStore } from '../../storage/account-store.js';
import { DeviceKey } from '../identity/device-key.js';
import { consoleWarn } from '../warn.js';

/**
 * Reads (making it on first use) the device key of each account once. Undefined where there is none
 * (a browser that can neither make nor keep one): the sign-in then goes without, as an older
 * client's would. The session
 * reads it before the messenger opens, so the two never make a key each.
 */
export class DeviceIdentities {
  readonly #found = new Map<string, Promise<PublicIdentity | undefined>>();

  of(user: string): Promise<PublicIdentity | undefined> {
    const key = nameKey(user);
    let found = this.#found.get(key);
    if (!found) {
      found = read(user).catch((error: unknown) => {
        consoleWarn('no device key to announce', error);
        return undefined;
      });
      this.#found.set(key, found);
    }
    return found;
  }
}

async function read(user: string): Promise<PublicIdentity> {
  const store = await openAccountStore(user);
  try {
    return (await DeviceKey.load(store.identity)).identity;
  } finally {
    store.close();
  }
}
