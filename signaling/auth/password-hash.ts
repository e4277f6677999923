import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters. They are stored with each hash, so the defaults can change later. */
export interface ScryptParams {
  /** CPU/memory cost N: a power of two. */
  cost: number;
  blockSize: number;
  parallelization: number;
}

/** The OWASP-recommended floor for scrypt (N=2^15, r=8, p=1): ~32 MiB and tens of ms per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { cost: 2 ** 15, blockSize: 8, parallelization: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Guards `verifyPassword` against a tampered row asking for gigabytes. */
const MAX_LOG2_COST = 20;

/** Throws a TypeError when the params are not usable, so a bad `scryptCost` fails at start-up. */
export function checkScryptParams(params: ScryptParams): void {
  const log2 = Math.log2(params.cost);
  if (!Number.isInteger(log2) || log2 < 1 || log2 > MAX_LOG2_COST) {
    throw new TypeError(`scrypt cost must be a power of two between 2 and 2^${MAX_LOG2_COST}`);
  }
  if (!Number.isInteger(params.blockSize) || params.blockSize < 1 || params.blockSize > 32) {
    throw new TypeError('scrypt block size must be an integer from 1 to 32');
  }
  if (
    !Number.isInteger(params.parallelization) ||
    params.parallelization < 1 ||
    params.parallelization > 16
  ) {
    throw new TypeError('scrypt parallelization must be an integer from 1 to 16');
  }
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    cost: params.cost,
    blockSize: params.blockSize,
    parallelization: params.parallelization,
    // Node refuses above 32 MiB by default, and N=2^15, r=8 needs exactly 32 MiB plus a little.
    maxmem: 256 * params.cost * params.blockSize * params.parallelization,
  };
  return new Promise((resolve, reject) => {
    // NFC so the same typed password matches whatever keyboard/OS composed it.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** PHC-style: `$scrypt$ln=15,r=8,p=1$<salt base64url>$<hash base64url>`. */
function encode(params: ScryptParams, salt: Buffer, key: Buffer): string {
  const log2 = Math.log2(params.cost);
  return `$scrypt$ln=${log2},r=${params.blockSize},p=${params.parallelization}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

interface Decoded {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function decode(encoded: string): Decoded | null {
  const match = ENCODED.exec(encoded);
  if (!match) return null;
  const [, ln, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
  const params = { cost: 2 ** Number(ln), blockSize: Number(r), parallelization: Number(p) };
  try {
    checkScryptParams(params);
  } catch {
    return null;
  }
  return { params, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** Hashes a password with a fresh random salt; the result carries its own parameters. */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return encode(params, salt, await derive(password, salt, params));
}

/** True when `password` matches `encoded`. Compares in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const decoded = decode(encoded);
  if (!decoded || decoded.key.length === 0) return false;
  const key = await derive(password, decoded.salt, decoded.params);
  return key.length === decoded.key.length && timingSafeEqual(key, decoded.key);
}

/** True when `encoded` was made with other parameters than `params` (so a login may upgrade it). */
export function needsRehash(encoded: string, params: ScryptParams): boolean {
  const decoded = decode(encoded);
  if (!decoded) return true;
  return (
    decoded.params.cost !== params.cost ||
    decoded.params.blockSize !== params.blockSize ||
    decoded.params.parallelization !== params.parallelization
  );
}
