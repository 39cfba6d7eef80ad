import type { Page } from 'playwright-core';

/**
 * Elements whose text is not the console's own words: customer content (bubbles, previews), names, codes,
 * and what the user typed. Mark anything else of that kind with `data-content`.
 */
const NOT_OURS = [
  '.bubble',
  '.conv-row',
  '.conv-title',
  '.contact-name',
  '.avatar',
  'code',
  '.mono',
  'textarea',
  'input',
  'select',
  'option',
  '[data-content]',
  '.workspace-name',
  '.user-name',
  '.lang-switch',
  '.chip-input',
  '.response-preview',
  '.bubble-text',
];

/** Words that are names of products and formats, not English sentences. */
const PROPER =
  /\b(WhatsApp|Tsunagi|Cloud API|Meta|JSON|CSV|API|URL|ID|OK|JST|Graph|E\.164|Enter|Shift|Esc|Tab)\b/g;

/**
 * English sentences on a page rendered in Japanese: text outside customer content, names and codes that holds
 * two or more Latin-script words in a row (a single word such as a rule id passes). `names` (people, customers)
 * are not sentences. Returns the offending
 * texts, each with a CSS path hint, so a failing test says what to translate.
 */
export async function englishSentences(page: Page, names: readonly string[] = []): Promise<string[]> {
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const proper = [PROPER.source, ...escaped].join('|');
  const args = JSON.stringify({ root: 'body', skip: NOT_OURS.join(','), proper });
  return page.evaluate<string[]>(`(${SCAN})(${args})`);
}

/** Runs in the page (a string, so this file needs no DOM types). */
const SCAN = `({ root, skip, proper }) => {
  const re = new RegExp(proper, 'g');
  const sentence = /[A-Za-z]{2,}[\\s,'’-]+[A-Za-z]{2,}/;
  const out = [];
  const start = document.querySelector(root);
  if (!start) return out;
  const walker = document.createTreeWalker(start, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.checkVisibility()) continue;
    const text = (n.textContent || '').replace(re, ' ');
    if (sentence.test(text)) out.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + (n.textContent || '').trim());
  }
  for (const el of start.querySelectorAll('[aria-label],[title],[placeholder]')) {
    if (el.closest('[data-content], code, .mono')) continue;
    if (el.closest(skip) && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') continue;
    for (const attr of ['aria-label', 'title', 'placeholder']) {
      const v = (el.getAttribute(attr) || '').replace(re, ' ');
      if (sentence.test(v)) out.push('[' + attr + '] ' + el.getAttribute(attr));
    }
  }
  return out;
}`;
