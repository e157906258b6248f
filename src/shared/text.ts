/** Line and paragraph separators: they would break a tray label or a window title in two. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/**
 * Controls (NUL, ESC, C1), lone surrogates (not text: they turn into U+FFFD or break
 * encoders), bidi marks and overrides (they can make "gpj.exe" read as "exe.jpg"), BOMs and
 * interlinear annotations, and the two noncharacters of the BMP.
 */
const INVISIBLE =
  /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]/gu;

let graphemes: Intl.Segmenter | null | undefined;

/** Cuts to at most `max` UTF-16 units, never inside a character (or a cluster, where supported). */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  graphemes ??= typeof Intl.Segmenter === 'function' ? new Intl.Segmenter() : null;
  let end = 0;
  if (graphemes) {
    // The iterator is lazy: a huge string is only read up to the cut.
    for (const { index, segment } of graphemes.segment(text)) {
      if (index + segment.length > max) break;
      end = index + segment.length;
    }
  } else {
    end = max;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  }
  return text.slice(0, end).trimEnd();
}

/**
 * Text from outside (a device, a user) made safe for a label: line breaks become spaces,
 * control, bidi-override and lone-surrogate characters go, runs of spaces collapse, and the
 * result is trimmed and at most `max` UTF-16 units long. Shared by main and renderer.
 */
export function cleanLabel(text: string, max: number): string {
  const limit = Math.max(0, Math.floor(max));
  // Bounded work for megabytes of device text: a label never needs more than this of it
  // (a pair cut in two here becomes a lone surrogate, which is removed below).
  const head = text.length > limit * 4 + 256 ? text.slice(0, limit * 4 + 256) : text;
  const cleaned = head.replace(BREAKS, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  return cap(cleaned, limit);
}

/** `cleanLabel` for a value of unknown type (a parsed XML field): strings and numbers only. */
export function cleanUnknownLabel(value: unknown, max: number): string {
  if (typeof value === 'string') return cleanLabel(value, max);
  if (typeof value === 'number' && Number.isFinite(value)) return cleanLabel(String(value), max);
  return '';
}
