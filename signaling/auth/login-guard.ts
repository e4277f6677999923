import { ErrorCode } from '../../shared/errors.js';
import type { Clock } from '../clock.js';
import { InFlight } from '../limits/in-flight.js';
import { MemoryLimiter, type LimitSettings, type Limiter } from '../limits/limiter.js';
import { Semaphore } from '../limits/semaphore.js';

/** How password checks and registrations are limited. Every count is taken before any await. */
export interface AuthLimits {
  /**
   * Attempts per name *and* address. Not per name alone: that would let anyone lock anyone out by
   * failing five times. A correct password clears it.
   */
  perNameAndAddress: LimitSettings;
  /** Login attempts from one address, whatever the name (a password sprayer). */
  perAddress: LimitSettings;
  /** Registrations from one address: each costs a full scrypt and a name. */
  registrationsPerAddress: LimitSettings;
  /** Failures per name and address that cost nothing extra; each one after waits twice as long. */
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** Password checks running at once for one name, and from one address. */
  inFlightPerName: number;
  inFlightPerAddress: number;
  /** scrypt runs at once, server-wide, and how many may wait for one and for how long. */
  scryptPermits: number;
  scryptQueue: number;
  scryptMaxWaitMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  perNameAndAddress: { points: 10, windowMs: 15 * MINUTE },
  perAddress: { points: 100, windowMs: 15 * MINUTE },
  registrationsPerAddress: { points: 20, windowMs: 60 * MINUTE },
  freeFailures: 3,
  firstDelayMs: 1000,
  maxDelayMs: 5 * MINUTE,
  inFlightPerName: 2,
  inFlightPerAddress: 4,
  scryptPermits: 4,
  scryptQueue: 1024,
  scryptMaxWaitMs: 5000,
};

export interface GuardRefusal {
  code: ErrorCode;
  message: string;
  retryAfterMs: number;
}

/** A password check that was let in; `release` must be called once it is over, whatever its outcome. */
export interface Admission {
  release(): void;
  /** Records the outcome: a failure slows this name and address down, a success clears them. */
  settle(success: boolean): Promise<void>;
}

const TOO_MANY = 'Too many attempts; try again later.';

/**
 * The throttles in front of scrypt. Limiters are injected so a cluster can share them (see
 * limits/limiter.ts); the in-flight counts and the scrypt semaphore are per process, like the CPU.
 */
export class LoginGuard {
  readonly scrypt: Semaphore;
  private readonly byNameAndAddress: Limiter;
  private readonly byAddress: Limiter;
  private readonly registrations: Limiter;
  private readonly namesInFlight: InFlight;
  private readonly addressesInFlight: InFlight;

  constructor(
    private readonly limits: AuthLimits,
    clock: Clock,
    limiter: (settings: LimitSettings, name: string) => Limiter = (settings) =>
      new MemoryLimiter(settings, clock),
  ) {
    this.byNameAndAddress = limiter(limits.perNameAndAddress, 'name-address');
    this.byAddress = limiter(limits.perAddress, 'address');
    this.registrations = limiter(limits.registrationsPerAddress, 'registrations');
    this.namesInFlight = new InFlight(limits.inFlightPerName);
    this.addressesInFlight = new InFlight(limits.inFlightPerAddress);
    this.scrypt = new Semaphore(limits.scryptPermits, limits.scryptQueue, limits.scryptMaxWaitMs);
  }

  /** Lets a password check for `nameKey` from `address` run, or says why not. */
  async admitLogin(nameKey: string, address: string): Promise<Admission | GuardRefusal> {
    // In-flight first and synchronously: the attempts sent at once are the ones it exists for.
    if (!this.namesInFlight.tryEnter(nameKey)) return refusal(1000);
    if (!this.addressesInFlight.tryEnter(address)) {
      this.namesInFlight.leave(nameKey);
      return refusal(1000);
    }
    const release = (): void => {
      this.namesInFlight.leave(nameKey);
      this.addressesInFlight.leave(address);
    };
    const pairKey = `${address}\u0000${nameKey}`;
    const [pair, all] = await Promise.all([
      this.byNameAndAddress.consume(pairKey),
      this.byAddress.consume(address),
    ]);
    if (!pair.allowed || !all.allowed) {
      release();
      return refusal(Math.max(pair.retryAfterMs, all.retryAfterMs));
    }
    return {
      release,
      settle: async (success) => {
        if (success) return this.byNameAndAddress.reset(pairKey);
        const { freeFailures, firstDelayMs, maxDelayMs } = this.limits;
        if (pair.count <= freeFailures) return;
        const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (pair.count - freeFailures - 1));
        await this.byNameAndAddress.block(pairKey, delay);
      },
    };
  }

  /** Counts a registration from `address`; a refusal when there were too many. */
  async admitRegistration(address: string): Promise<GuardRefusal | null> {
    const decision = await this.registrations.consume(address);
    return decision.allowed ? null : refusal(decision.retryAfterMs);
  }

  /** Forgets expired counts (housekeeping). */
  sweep(): void {
    for (const limiter of [this.byNameAndAddress, this.byAddress, this.registrations]) {
      if (limiter instanceof MemoryLimiter) limiter.sweep();
    }
  }
}

function refusal(retryAfterMs: number): GuardRefusal {
  return { code: ErrorCode.TooManyAttempts, message: TOO_MANY, retryAfterMs: Math.max(1, retryAfterMs) };
}

/** True for a refusal rather than an admission. */
export function isRefusal(value: Admission | GuardRefusal): value is GuardRefusal {
  return 'code' in value;
}
