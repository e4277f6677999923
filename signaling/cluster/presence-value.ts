/**
 * What the cluster's presence hash holds for a session, and its deltas carry: `node|user`, or
 * `node|user|alg|key` when the session announced a device key. The key rides with presence (rather
 * than being read from the database by the other nodes) because the hint a single node hands out is
 * the key *this session* announced: the database keeps up to eight per account and cannot tell which
 * one that is, nor that a session announced none. Riding along, it also arrives in the same versioned
 * delta as the login, with no extra query per login on every node. Names, algorithms and hex keys
 * hold no `|`, and the scripts of presence-scripts.ts read only the node before the first one.
 */
import type { KeyAlgorithm, PublicIdentity } from '../../shared/identity-protocol.js';
import type { RemoteEntry } from './bus.js';

/** The hash value of `user`'s session on `node`. */
export function presenceValue(node: string, user: string, identity: PublicIdentity | undefined): string {
  return identity ? `${node}|${user}|${identity.alg}|${identity.key}` : `${node}|${user}`;
}

/** The entry a hash value (or delta) stands for; see `presenceValue`. */
export function parsePresenceValue(value: string): RemoteEntry {
  const [node = '', user = '', alg, key] = value.split('|');
  return alg === undefined || key === undefined
    ? { node, user }
    : { node, user, identity: { alg: alg as KeyAlgorithm, key } };
}
