import type { Histogram } from 'prom-client';
import type { Store } from '../store/store.js';

/** Every store method but `close`, which is not a query. */
type Operation = Exclude<keyof Store, 'close'>;

const OPERATIONS: readonly Operation[] = [
  'findAccount',
  'createAccount',
  'updatePasswordHash',
  'createSession',
  'findSession',
  'extendSession',
  'deleteSession',
  'deleteExpiredSessions',
  'createGroup',
  'addMembers',
  'removeMember',
  'groupsOf',
  'getGroup',
  'inviteMembers',
  'acceptInvitation',
  'declineInvitation',
  'invitationsOf',
];

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
