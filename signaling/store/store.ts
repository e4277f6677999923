import type { AccountStore } from './account-store.js';
import type { DeviceKeyStore } from './device-key-store.js';
import type { GroupLogStore } from './group-log-store.js';
import type { GroupStore } from './group-store.js';

/** Everything the server keeps, opened and closed as one (`close` closes it all). */
export interface Store extends AccountStore, GroupStore, GroupLogStore, DeviceKeyStore {}
