/**
 * Menu answers (pure): after a menu of numbered options, the customer may answer with the number in any form
 * (1, １, ①, "one", いち, 一, 1番, No.1) or with the option's title (folded like keywords). Anything else is not
 * an answer, so the conversation continues normally.
 */
import { compact, foldText } from './text-fold.rules.ts';

/** One option of a menu, numbered from 1 in order. */
export interface MenuOption {
  id: string;
  title: string;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  いち: 1,
  に: 2,
  さん: 3,
  よん: 4,
  し: 4,
  ご: 5,
  ろく: 6,
  なな: 7,
  しち: 7,
  はち: 8,
  きゅ: 9,
  く: 9,
  じゅ: 10,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
  十: 10,
};

/** Politeness and framing around a bare number: 「1番です」, "No. 2 please", 「3でお願いします」. */
const FRAME =
  /^(?:no\.?|number|option|#)?(.+?)(?:番目?|ばんめ?|つ目|つめ|です|でお願いします|でおねがいします|お願いします|おねがいします|で|please|pls)*$/;

/** The chosen option, or null when the text is not an answer to this menu. */
export function parseMenuAnswer(text: string, options: readonly MenuOption[]): MenuOption | null {
  const flat = compact(foldText(text));
  if (flat.length === 0) return null;
  const n = numberOf(flat);
  if (n !== null) return options[n - 1] ?? null;
  const byTitle = options.filter((o) => compact(foldText(o.title)) === flat);
  if (byTitle.length === 1) return byTitle[0] as MenuOption;
  const containing = options.filter((o) => {
    const title = compact(foldText(o.title));
    return title.length >= 2 && flat.includes(title);
  });
  return containing.length === 1 ? (containing[0] as MenuOption) : null;
}

function numberOf(flat: string): number | null {
  const core = FRAME.exec(flat)?.[1] ?? flat;
  if (/^\d{1,2}$/.test(core)) return Number(core);
  return NUMBER_WORDS[core] ?? null;
}
