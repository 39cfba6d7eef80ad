/**
 * Declined intent next to a keyword (pure): 「返品はしないです」, 「キャンセル不要」, "I don't want a refund",
 * "no need to cancel". These mention the keyword but ask for nothing, so a precision-first matcher must not answer
 * them. The guard is deliberately narrow: negation that is itself the question or complaint (届かない, 返品できない,
 * "why hasn't it shipped", "can't log in") is not declined intent and still matches. Anything workspace-specific
 * belongs in a rule's `exclude` list.
 */
import type { AnalyzedMessage, KeywordHit } from './keyword-match.rules.ts';

/**
 * Japanese declined intent right after the keyword, on folded text (surface) or folded readings (ふよ = 不要,
 * だいじょぶ = 大丈夫, けっこ = 結構). しないと(いけない) means "must", so it is not a negation.
 */
const JA_DECLINED_AFTER =
  /^(?:は|を|も|とか|の方は|のほうは)?(?:しない(?!と)|しません|したくない|しなくて|しないで|せず|不要|ふよ|いらない|要らない|いりません|大丈夫|だいじょぶ|結構|けっこ|なし|無し|やめ|止め|取りやめ|とりやめ)/;

/** English declined intent right before the keyword (last words before it; contractions are folded: dont). */
const EN_DECLINED_BEFORE =
  /(?:^|\s)(?:no need (?:to|for)|(?:dont|do not|not|never) (?:want|need)(?: to)?|no|without)(?: (?:a|an|the|my|any|to))?$/;

/** English declined intent right after the keyword ("refund not needed"). */
const EN_DECLINED_AFTER = /^(?:is |are )?(?:not needed|not necessary|unnecessary)\b/;

/** Whether the words around a keyword hit decline what the keyword asks for. */
export function isDeclined(hit: KeywordHit, msg: AnalyzedMessage): boolean {
  if (hit.channel === 'words') {
    const before = msg.words.slice(Math.max(0, hit.start - 5), hit.start).join(' ');
    const after = msg.words.slice(hit.end, hit.end + 4).join(' ');
    return EN_DECLINED_BEFORE.test(before) || EN_DECLINED_AFTER.test(after);
  }
  const text = hit.channel === 'surface' ? msg.compact : (msg.reading?.text ?? '');
  return JA_DECLINED_AFTER.test(text.slice(hit.end, hit.end + 12));
}
