/**
 * Whether a message is only emoji (and whitespace), so the log shows it large, as messengers do.
 * Counted in graphemes, so a family (ZWJ sequence), a flag or a thumbs-up with a skin tone is one.
 */

/** At most this many emoji show large; more read better at text size. */
export const MAX_LARGE_EMOJI = 8;

/** One pictograph, perhaps with an emoji-presentation selector or a skin tone. */
const PICTOGRAPH = String.raw`(?:\p{Extended_Pictographic}|\p{Emoji_Presentation})(?:\uFE0F|\p{Emoji_Modifier})?`;

/**
 * One emoji grapheme: pictographs joined by ZWJ (with tag characters, for subdivision flags such as
 * 🏴󠁧󠁢󠁳󠁣󠁴󠁿), a flag of two regional indicators, or a keycap (1️⃣).
 */
const EMOJI = new RegExp(
  String.raw`^(?:${PICTOGRAPH}(?:\u200D${PICTOGRAPH})*[\u{E0020}-\u{E007E}]*\u{E007F}?|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)$`,
  'u',
);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether `text` is one to `MAX_LARGE_EMOJI` emoji, with any whitespace between them and nothing else. */
export function isEmojiOnly(text: string): boolean {
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!EMOJI.test(segment) || ++count > MAX_LARGE_EMOJI) return false;
  }
  return count > 0;
}
