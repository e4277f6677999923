import { createHmac } from 'node:crypto';

/** A TURN username and password as coturn's `use-auth-secret` ("TURN REST API") expects them. */
export interface TurnCredential {
  /** `<expiry, unix seconds>:<user>`: coturn refuses the credential once that time has passed. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)). */
  credential: string;
}

/**
 * Signs a time-limited TURN credential. coturn recomputes the HMAC with each of its
 * `static-auth-secret`s, so no state is shared between Parley and coturn but the secret.
 * See coturn's README.turnserver, `--use-auth-secret`.
 */
export function signTurnCredential(secret: string, user: string, expiresAtS: number): TurnCredential {
  if (!Number.isInteger(expiresAtS) || expiresAtS <= 0) {
    throw new TypeError(`expiresAtS must be a positive integer, got ${expiresAtS}`);
  }
  const username = `${expiresAtS}:${user}`;
  const credential = createHmac('sha1', secret).update(username, 'utf8').digest('base64');
  return { username, credential };
}
