/** Sizes, speeds and times left as people read them: "3.4 MB", "2.1 MB/s", "12 s". */

// Decimal units, as file managers on macOS and Linux (and disk makers) count; the number is
// localized, the unit symbols are not (Intl has no short "B" for bytes).
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** `bytes` in the largest unit that keeps the number under 1000: one decimal below 10, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
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
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  let hours = Math.floor(s / 3600);
  let minutes = Math.round((s % 3600) / 60);
  if (minutes === 60) {
    hours += 1;
    minutes = 0;
  }
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}
