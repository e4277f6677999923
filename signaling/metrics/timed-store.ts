import type { Histogram } from 'prom-client';
import type { Store } from '../store/store.js';

/** Every store method but `close`, which is not a query. */
type Operation = Exclude<keyof Store, 'close'>;

/**
 * Every query, as the keys of a record: TypeScript then refuses this file when the `Store` interface
 * gains a method that is not listed here (a plain list did not, and a method it lacked was missing
 * from the timed store: `deleteSessionsOf` crashed password changes with metrics on).
 */
const TIMED: Readonly<Record<Operation, true>> = {
  findAccount: true,
  createAccount: true,
  updatePasswordHash: true,
  createSession: true,
  findSession: true,
  extendSession: true,
  deleteSession: true,
  deleteSessionsOf: true,
  deleteExpiredSessions: true,
  createGroup: true,
  addMembers: true,
  removeMember: true,
  groupsOf: true,
  getGroup: true,
  inviteMembers: true,
  acceptInvitation: true,
  declineInvitation: true,
  invitationsOf: true,
  saveDeviceKey: true,
  deviceKeysOf: true,
  appendGroupEntry: true,
  groupEntries: true,
};
const OPERATIONS = Object.keys(TIMED) as Operation[];

/**
 * `store` with each call timed into `seconds` (labelled by method), whether it resolves or rejects.
 * Wrapping at the interface times every engine the same way, and the engines stay free of metrics.
 */
export function timedStore(store: Store, seconds: Histogram<'operation'>): Store {
  const timed: Partial<Store> = { close: () => store.close() };
  for (const operation of OPERATIONS) {
    const call = store[operation] as (...args: unknown[]) => Promise<unknown>;
    const wrapped = async (...args: unknown[]) => {
      const stop = seconds.startTimer({ operation });
      try {
        return await call.apply(store, args);
      } finally {
        stop();
      }
    };
    Object.assign(timed, { [operation]: wrapped });
  }
  return timed as Store;
}
