/** Sizes, speeds and times left as people read them: "3.4 MB", "2.1 MB/s", "12 s". */
import { msg, str } from '@lit/localize';

// Decimal units, as file managers on macOS and Linux (and disk makers) count; the number is
// localized (in the page's language, `<html lang>`), the unit symbols are not (Intl has no short
// "B" for bytes, and Chinese writes MB too).
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

interface NumberFormats {
  readonly oneDecimal: Intl.NumberFormat;
  readonly whole: Intl.NumberFormat;
}
const formats = new Map<string, NumberFormats>();

/** The number formats of the page's language, made once per language. */
function numberFormats(): NumberFormats {
  const language = globalThis.document?.documentElement.lang ?? '';
  let made = formats.get(language);
  if (!made) {
    made = {
      oneDecimal: new Intl.NumberFormat(language || undefined, { maximumFractionDigits: 1 }),
      whole: new Intl.NumberFormat(language || undefined, { maximumFractionDigits: 0 }),
    };
    formats.set(language, made);
  }
  return made;
}

/** `bytes` in the largest unit that keeps the number under 1000: one decimal below 10, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const { oneDecimal, whole } = numberFormats();
  if (bytes < 1000) return `${whole.format(bytes)} B`;
  let unit = 0;
  let value = bytes;
  // Round before choosing, so 999,960 bytes reads "1 MB", not "1000 kB".
  while (unit < UNITS.length - 1 && round(value) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  const rounded = round(value);
  return `${(rounded < 10 ? oneDecimal : whole).format(rounded)} ${UNITS[unit]}`;
}

function round(value: number): number {
  return value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value);
}

/** A transfer speed: "2.1 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A time left, rounded the way a person would say it: "12 s", "4 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.ceil(seconds);
  if (s < 60) return msg(str`${s} s`);
  const roundMinutes = Math.round(s / 60);
  if (s < 3600) return msg(str`${roundMinutes} min`);
  let hours = Math.floor(s / 3600);
  let minutes = Math.round((s % 3600) / 60);
  if (minutes === 60) {
    hours += 1;
    minutes = 0;
  }
  return minutes === 0 ? msg(str`${hours} h`) : msg(str`${hours} h ${minutes} min`);
}
