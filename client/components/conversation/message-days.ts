/**
 * When a message was sent, as the log shows it: its local day (for the separators between days)
 * and its time. `sentAt` comes from the author's peer, so it may be any number, including ones no
 * `Date` can hold (`9e15`, NaN, Infinity): those get no time and sort under "Unknown date" rather
 * than throw (`toISOString` and `Intl.DateTimeFormat#format` throw a RangeError on an invalid date).
 */
import { msg } from '@lit/localize';
import type { MessageView } from '../../app/conversations/message-view.js';

/** A message with the day it belongs to, or the day that starts before it. */
export type LogEntry =
  | { readonly kind: 'day'; readonly key: string; readonly label: string; readonly datetime: string | null }
  | { readonly kind: 'message'; readonly key: string; readonly message: MessageView };

/** `sentAt` as a Date, or null when no Date can hold it. */
export function sentDate(sentAt: number): Date | null {
  const date = new Date(sentAt);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The document's language, so dates follow the app's language rather than the browser's. */
export function documentLanguage(): string | undefined {
  return document.documentElement.lang || undefined;
}

/** A message's time (`09:30`) and its full date and time (for its title), in the document's language. */
export function timeTexts(date: Date): { short: string; full: string } {
  const language = documentLanguage() ?? '';
  let formats = timeFormats.get(language);
  if (!formats) {
    // Made once per language: a long history formats thousands of times on its first render.
    formats = {
      short: new Intl.DateTimeFormat(language || undefined, { hour: '2-digit', minute: '2-digit' }),
      full: new Intl.DateTimeFormat(language || undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    };
    timeFormats.set(language, formats);
  }
  return { short: formats.short.format(date), full: formats.full.format(date) };
}

const timeFormats = new Map<string, { short: Intl.DateTimeFormat; full: Intl.DateTimeFormat }>();

/** The messages with a day entry before the first message of each local day. */
export function withDays(messages: readonly MessageView[], now = new Date()): LogEntry[] {
  const labels = DayLabels.for(now, documentLanguage());
  const entries: LogEntry[] = [];
  let lastDay: string | null = null;
  for (const message of messages) {
    const date = sentDate(message.sentAt);
    const day = date ? localDayKey(date) : 'unknown';
    if (day !== lastDay) {
      lastDay = day;
      entries.push({
        kind: 'day',
        key: `day:${day}:${message.id}`,
        label: labels.of(date),
        datetime: date ? day : null,
      });
    }
    entries.push({ kind: 'message', key: message.id, message });
  }
  return entries;
}

/** `YYYY-MM-DD` of the local calendar day (also a valid `<time datetime>`). */
function localDayKey(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday" (in the document's language, through `Intl.RelativeTimeFormat`), then dates. */
class DayLabels {
  /**
   * The last labels made: every new message lays the days out again, and two `Intl` formatters cost
   * more than the rest of that together. Made again when the day or the language changes.
   */
  static #last: DayLabels | null = null;

  static for(now: Date, language: string | undefined): DayLabels {
    const last = DayLabels.#last;
    if (last && last.#language === language && last.#today === localDayKey(now)) return last;
    return (DayLabels.#last = new DayLabels(now, language));
  }

  readonly #today: string;
  readonly #yesterday: string;
  readonly #relative: Intl.RelativeTimeFormat;
  readonly #date: Intl.DateTimeFormat;
  readonly #language: string | undefined;

  constructor(now: Date, language: string | undefined) {
    this.#language = language;
    this.#today = localDayKey(now);
    this.#yesterday = localDayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
    this.#relative = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    this.#date = new Intl.DateTimeFormat(language, { dateStyle: 'long' });
  }

  of(date: Date | null): string {
    if (!date) return msg('Unknown date');
    const day = localDayKey(date);
    if (day === this.#today) return this.#capitalized(this.#relative.format(0, 'day'));
    if (day === this.#yesterday) return this.#capitalized(this.#relative.format(-1, 'day'));
    return this.#date.format(date);
  }

  /** English says "today" mid-sentence; a heading of its own starts with a capital. */
  #capitalized(text: string): string {
    return text.charAt(0).toLocaleUpperCase(this.#language) + text.slice(1);
  }
}
