import type { IceServer } from '../../shared/protocol.js';
import type { Clock } from '../clock.js';
import { signTurnCredential } from './turn-credentials.js';

/** TURN with coturn's shared-secret credentials (see turn-config.ts for the variables). */
export interface TurnSettings {
  /** `turn:` / `turns:` URLs of one coturn (or several sharing the secret). */
  urls: readonly string[];
  /** Newest first: the first signs; the others are only what coturn still accepts during a rotation. */
  secrets: readonly string[];
  /** How long a credential is valid, in seconds. */
  ttlS: number;
}

/** What a signed-in user is handed, and when to hand them fresh credentials. */
export interface IceGrant {
  iceServers: IceServer[];
  /** When the TURN credential in it expires (clock ms); null when there is none to renew. */
  expiresAt: number | null;
}

/** `IceServerList`'s bound in shared/protocol.ts (a welcome with more does not parse). */
const MAX_ICE_SERVERS = 16;

/** Share of a credential's lifetime after which a connection is sent a new one. */
export const REFRESH_AT_SHARE = 0.8;

/**
 * The ICE servers for each user: the static `ICE_SERVERS` (STUN, or TURN with fixed credentials)
 * followed by Parley's TURN servers with a credential signed for that user.
 */
export class IceServerSource {
  constructor(
    private readonly fixed: readonly IceServer[],
    private readonly turn: TurnSettings | undefined,
    private readonly clock: Clock,
  ) {
    if (turn && (turn.urls.length === 0 || turn.secrets.length === 0 || !(turn.ttlS > 0))) {
      throw new TypeError('TURN needs at least one URL, one secret and a positive TTL');
    }
    // The welcome's list is bounded by the protocol; the TURN entry must fit in it.
    if (turn && fixed.length >= MAX_ICE_SERVERS) {
      throw new TypeError(`with TURN_URLS, ICE_SERVERS may hold at most ${MAX_ICE_SERVERS - 1} servers`);
    }
  }

  /** True when grants expire and connections need a refresh before they do. */
  get expires(): boolean {
    return this.turn !== undefined;
  }

  grantFor(user: string): IceGrant {
    const iceServers = [...this.fixed];
    if (!this.turn) return { iceServers, expiresAt: null };
    const expiresAtS = Math.floor(this.clock.now() / 1000) + this.turn.ttlS;
    const { username, credential } = signTurnCredential(this.turn.secrets[0]!, user, expiresAtS);
    iceServers.push({ urls: [...this.turn.urls], username, credential });
    return { iceServers, expiresAt: expiresAtS * 1000 };
  }

  /** How long after issuing a grant to send the next one. */
  refreshDelayMs(grant: IceGrant): number | null {
    if (grant.expiresAt === null) return null;
    return Math.max(1000, Math.floor((grant.expiresAt - this.clock.now()) * REFRESH_AT_SHARE));
  }
}
