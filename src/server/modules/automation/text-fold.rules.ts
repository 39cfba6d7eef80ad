/**
 * Japanese-aware text folding for keyword matching (pure). Two strings that a customer would consider "the same
 * word" fold to the same key: Unicode NFKC (full/half width digits, letters and katakana), case, katakana →
 * hiragana, long-vowel marks (ー, ～, 〜) and vowel length (おう/おお/おー → お, えい → え). Vowel length
 * is folded rather than expanded because customers write the same word with ー, with the vowel, or without it
 * (りょーきん, りょうきん, りょきん), and a folded key makes all three equal without spending an edit.
 */
const KANA = /[\u3041-\u309f\u30a0-\u30ff]/;
const JAPANESE = /[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]/;
const LONG_MARKS = /[ー~〜～]/g;
const SEPARATORS = /[\s\p{P}\p{S}]+/gu;

/** True when the text contains at least one kana or kanji character. */
export function hasJapanese(text: string): boolean {
  return JAPANESE.test(text);
}

/** The vowel of each hiragana mora (small kana included), used to fold vowel length. */
const VOWEL_OF = buildVowelTable();

function buildVowelTable(): Map<string, string> {
  const rows: Record<string, string> = {
    a: 'あぁかがさざただなはばぱまやゃらわゎ',
    i: 'いぃきぎしじちぢにひびぴみりゐ',
    u: 'うぅくぐすずつづっぬふぶぷむゆゅるゔ',
    e: 'えぇけげせぜてでねへべぺめれゑ',
    o: 'おぉこごそぞとどのほぼぽもよょろを',
  };
  const table = new Map<string, string>();
  for (const [vowel, chars] of Object.entries(rows)) for (const c of chars) table.set(c, vowel);
  return table;
}

const PLAIN_VOWEL: Record<string, string> = { あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o' };
const SMALL_VOWEL: Record<string, string> = { ぁ: 'a', ぃ: 'i', ぅ: 'u', ぇ: 'e', ぉ: 'o' };

/**
 * Drops a vowel kana that only lengthens the previous mora (かあ, きい, くう, けえ/けい, こお/こう), and long-vowel
 * marks after kana. Applied to hiragana; other characters pass through and reset the context.
 */
export function foldVowelLength(hira: string): string {
  let out = '';
  let prevVowel: string | undefined;
  for (const c of hira) {
    if (c === 'ー' || c === '~' || c === '〜' || c === '～') {
      if (prevVowel) continue;
      out += ' ';
      continue;
    }
    const v = PLAIN_VOWEL[c] ?? SMALL_VOWEL[c];
    if (
      v &&
      prevVowel &&
      (v === prevVowel || (prevVowel === 'o' && v === 'u') || (prevVowel === 'e' && v === 'i'))
    ) {
      continue;
    }
    out += c;
    prevVowel = VOWEL_OF.get(c);
  }
  return out;
}

/** Katakana that have a hiragana one code point block lower (ァ–ヴ, ヷ–ヺ); ヵ, ヶ, ・ and ー stay as they are. */
const SHIFTABLE_KATAKANA = /[\u30a1-\u30f4\u30f7-\u30fa]/g;
const KATAKANA_TO_HIRAGANA = 0x60;

/**
 * Katakana (full or half width after NFKC) → hiragana; Latin letters, digits, kanji and long-vowel marks pass
 * through (foldVowelLength folds the marks). The same mapping as wanakana's `toHiragana(text, { passRomaji: true,
 * convertLongVowelMark: false })` (a test compares them code point by code point), written here because wanakana
 * copies its output array once per character: 18 µs for a customer's message text against 0.6 µs here, 8 % of the
 * server's main-thread time in the inbound benchmark.
 */
export function toHiraganaOnly(text: string): string {
  if (!KANA.test(text)) return text;
  return text.replace(SHIFTABLE_KATAKANA, (c) => String.fromCharCode(c.charCodeAt(0) - KATAKANA_TO_HIRAGANA));
}

/**
 * The folded form of a piece of text: NFKC, lower case, hiragana, vowel length folded, punctuation and symbols
 * turned into single spaces, trimmed. Idempotent: fold(fold(x)) === fold(x).
 */
export function foldText(text: string): string {
  const nfkc = text.normalize('NFKC').toLowerCase();
  const hira = toHiraganaOnly(nfkc);
  // Protect long-vowel marks from the separator pass (〜 and ~ are symbols) before folding them.
  // Apostrophes inside words are dropped (don't → dont) so contractions stay one word.
  const folded = foldVowelLength(hira.replace(LONG_MARKS, 'ー').replace(/(?<=[a-z])['’](?=[a-z])/g, ''));
  return folded.replace(SEPARATORS, ' ').trim();
}

/** The folded text with every space removed: the form exact matching compares. */
export function compact(folded: string): string {
  return folded.replace(/ /g, '');
}

/** Latin/digit words of a folded string (Japanese runs are dropped): what English keywords are matched against. */
export function latinWords(folded: string): string[] {
  return folded.match(/[a-z0-9]+/g) ?? [];
}

/**
 * Kana without voicing marks (が → か, ぱ → は), one character for one, so offsets are preserved. Used by fuzzy
 * matching and its prefilter only: exact and contains matching keep the marks.
 */
export function stripVoicing(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code >= KANA_FROM && code < KANA_FROM + VOICELESS.length ? VOICELESS[code - KANA_FROM] : text[i];
  }
  return out;
}

const KANA_FROM = 0x3040;
/** Voiceless form of every hiragana and katakana code point (0x3040–0x30ff), computed once from NFD. */
const VOICELESS: string[] = Array.from({ length: 0xc0 }, (_, i) => {
  const c = String.fromCharCode(KANA_FROM + i);
  return c.normalize('NFD')[0] as string;
});
