/**
 * WhatsApp text formatting (`*bold*`, `_italic_`, `~strike~`, ```` ```monospace``` ````, `` `code` ``) and
 * http(s) links, parsed into a small tree that the console renders as React elements. Customer text is never
 * turned into HTML: this parser only decides which spans are bold or a link; every character stays text.
 */
export type WaNode =
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic' | 'strike'; children: WaNode[] }
  | { kind: 'code'; text: string; block: boolean }
  | { kind: 'link'; href: string; text: string };

const STYLE: Record<string, 'bold' | 'italic' | 'strike'> = { '*': 'bold', _: 'italic', '~': 'strike' };

// ASCII letters and digits glue a marker to a word (snake_case_names, 2*3*4 stay plain); CJK text does not.
const WORDISH = /[A-Za-z0-9]/;
const SPACE = /\s/;

function canOpen(s: string, i: number, width: number): boolean {
  const prev = i > 0 ? s[i - 1] : undefined;
  const next = s[i + width];
  return (prev === undefined || !WORDISH.test(prev)) && next !== undefined && !SPACE.test(next);
}

function canClose(s: string, j: number, width: number): boolean {
  const prev = s[j - 1];
  const next = s[j + width];
  return prev !== undefined && !SPACE.test(prev) && (next === undefined || !WORDISH.test(next));
}

/** Index of the closing marker for an opening one at `i`, on the same line (or any line for ```), or -1. */
function findClose(s: string, i: number, marker: string): number {
  const multiline = marker === '```';
  for (let j = s.indexOf(marker, i + marker.length); j !== -1; j = s.indexOf(marker, j + 1)) {
    if (!multiline && s.slice(i + marker.length, j).includes('\n')) return -1;
    if (j > i + marker.length && canClose(s, j, marker.length)) return j;
  }
  return -1;
}

const URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"、。！？）」』]+$/u;

/** True for absolute http(s) URLs only: the console never links `javascript:`, `data:` or other schemes. */
export function isSafeHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Splits plain text into text and link nodes. */
export function linkify(text: string): WaNode[] {
  const out: WaNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const raw = m[0];
    const url = raw.replace(TRAILING, '');
    const start = m.index;
    if (!isSafeHttpUrl(url)) continue;
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) });
    out.push({ kind: 'link', href: url, text: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** Parses WhatsApp-formatted text into nodes (formatting can nest: `*bold _and italic_*`). */
export function parseWhatsApp(s: string, depth = 0): WaNode[] {
  const out: WaNode[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push(...linkify(buf));
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (s.startsWith('```', i)) {
      const j = findClose(s, i, '```');
      if (j !== -1) {
        flush();
        out.push({ kind: 'code', text: s.slice(i + 3, j), block: true });
        i = j + 3;
        continue;
      }
    } else if (c === '`' && canOpen(s, i, 1)) {
      const j = findClose(s, i, '`');
      if (j !== -1) {
        flush();
        out.push({ kind: 'code', text: s.slice(i + 1, j), block: false });
        i = j + 1;
        continue;
      }
    } else if (STYLE[c] && depth < 8 && canOpen(s, i, 1)) {
      const j = findClose(s, i, c);
      if (j !== -1) {
        flush();
        out.push({ kind: STYLE[c], children: parseWhatsApp(s.slice(i + 1, j), depth + 1) });
        i = j + 1;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

/** The text of nodes without formatting markers (notifications, previews). */
export function plainText(nodes: WaNode[]): string {
  return nodes.map((n) => ('children' in n ? plainText(n.children) : n.text)).join('');
}
