import type { TurnSettings } from './ice-servers.js';

/** 24 hours: a day-long session needs no refresh; a leaked credential is useless the next day. */
export const DEFAULT_TURN_TTL_S = 24 * 60 * 60;
/**
 * Seconds. Short enough for a test to watch a credential expire and be replaced; long enough that the
 * refresh (at 80 %) still arrives seconds before the old credential stops working.
 */
export const MIN_TURN_TTL_S = 10;
export const MAX_TURN_TTL_S = 30 * 24 * 60 * 60;

const TURN_URL = /^turns?:[^\s,]+$/;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * Reads `TURN_URLS`, `TURN_SECRET` (comma list, newest first), `TURN_SECRET_OLD` (comma list) and
 * `TURN_TTL_S`. Returns undefined when TURN is not configured; pushes a sentence per problem.
 */
export function parseTurnSettings(
  get: (name: string) => string | undefined,
  problems: string[],
): TurnSettings | undefined {
  const urls = list(get('TURN_URLS'));
  const secrets = [...list(get('TURN_SECRET')), ...list(get('TURN_SECRET_OLD'))];
  const rawTtl = get('TURN_TTL_S');
  if (urls.length === 0 && secrets.length === 0) {
    if (rawTtl !== undefined) problems.push('TURN_TTL_S is set but TURN_URLS and TURN_SECRET are not');
    return undefined;
  }
  const before = problems.length;
  if (urls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is not');
  if (list(get('TURN_SECRET')).length === 0) {
    problems.push("TURN_URLS is set but TURN_SECRET (coturn's static-auth-secret) is not");
  }
  for (const url of urls) {
    if (!TURN_URL.test(url)) {
      problems.push(`TURN_URLS entries must start with turn: or turns:, got ${JSON.stringify(url)}`);
    }
  }
  let ttlS = DEFAULT_TURN_TTL_S;
  if (rawTtl !== undefined) {
    const parsed = /^\d+$/.test(rawTtl.trim()) ? Number(rawTtl.trim()) : NaN;
    if (!(parsed >= MIN_TURN_TTL_S && parsed <= MAX_TURN_TTL_S)) {
      problems.push(
        `TURN_TTL_S must be an integer from ${MIN_TURN_TTL_S} to ${MAX_TURN_TTL_S} (30 days), got ${JSON.stringify(rawTtl)}`,
      );
    } else ttlS = parsed;
  }
  return problems.length === before ? { urls, secrets, ttlS } : undefined;
}
