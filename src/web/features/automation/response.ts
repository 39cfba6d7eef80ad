/**
 * The response editor's model (pure): an automatic reply is a Cloud API message — text, reply buttons or a
 * list — or a menu reference `{"type":"menu","menuId":…}`. Anything else (media, templates written by hand)
 * is kept as JSON. Length limits are WhatsApp's; the server's 422 stays the source of truth.
 */
import { arr, obj, str } from '../../lib/json.ts';

export type ResponseKind = 'text' | 'buttons' | 'list' | 'menu' | 'json';

/** WhatsApp's limits for what the editor builds. */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
} as const;

/** The editable form of a response. */
export interface ResponseModel {
  kind: ResponseKind;
  body: string;
  buttons: string[];
  listButton: string;
  rows: Array<{ title: string; description: string }>;
  menuId: string;
  /** The original value, for kind `json` (and to keep fields the editor does not show). */
  raw: unknown;
}

/** Reads a stored response into the editor's model. */
export function toModel(value: unknown): ResponseModel {
  const v = obj(value);
  const base: ResponseModel = {
    kind: 'text',
    body: '',
    buttons: [],
    listButton: '',
    rows: [],
    menuId: '',
    raw: value,
  };
  if (value === undefined || value === null) return base;
  if (v.type === 'menu') return { ...base, kind: 'menu', menuId: str(v.menuId) ?? '' };
  if (v.type === 'text') return { ...base, body: str(obj(v.text).body) ?? '' };
  if (v.type === 'interactive') {
    const i = obj(v.interactive);
    const body = str(obj(i.body).text) ?? '';
    const action = obj(i.action);
    if (i.type === 'button')
      return {
        ...base,
        kind: 'buttons',
        body,
        buttons: arr(action.buttons).map((b) => str(obj(b.reply).title) ?? ''),
      };
    if (i.type === 'list')
      return {
        ...base,
        kind: 'list',
        body,
        listButton: str(action.button) ?? '',
        rows: arr(action.sections).flatMap((s) =>
          arr(s.rows).map((r) => ({ title: str(r.title) ?? '', description: str(r.description) ?? '' })),
        ),
      };
  }
  return { ...base, kind: 'json' };
}

/** Builds the stored response from the model (ids of buttons and rows are their positions). */
export function fromModel(m: ResponseModel): unknown {
  switch (m.kind) {
    case 'menu':
      return { type: 'menu', menuId: m.menuId };
    case 'text': {
      const prev = obj(m.raw);
      const text = prev.type === 'text' ? obj(prev.text) : {};
      return { ...(prev.type === 'text' ? prev : {}), type: 'text', text: { ...text, body: m.body } };
    }
    case 'buttons':
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: m.body },
          action: {
            buttons: m.buttons.map((title, i) => ({ type: 'reply', reply: { id: `b${i + 1}`, title } })),
          },
        },
      };
    case 'list':
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: m.body },
          action: {
            button: m.listButton,
            sections: [
              {
                rows: m.rows.map((r, i) => ({
                  id: `r${i + 1}`,
                  title: r.title,
                  ...(r.description ? { description: r.description } : {}),
                })),
              },
            ],
          },
        },
      };
    case 'json':
      return m.raw;
  }
}

/** Switches kind, keeping the text (and starting buttons / rows with one empty entry). */
export function switchKind(m: ResponseModel, kind: ResponseKind): ResponseModel {
  const next: ResponseModel = { ...m, kind };
  if (kind === 'buttons' && next.buttons.length === 0) next.buttons = [''];
  if (kind === 'list' && next.rows.length === 0) next.rows = [{ title: '', description: '' }];
  if (kind === 'json' && (m.raw === undefined || m.raw === null)) next.raw = fromModel(m);
  return next;
}

/** A client-side problem: a translation key under `automation.response.errors` and which part it is about. */
export interface ResponseProblem {
  key: 'empty' | 'tooLong' | 'tooMany' | 'noMenu';
  at: string;
  limit?: number;
}

/** The obvious problems (empty or too long), before the server checks the rest. */
export function checkModel(m: ResponseModel): ResponseProblem[] {
  const out: ResponseProblem[] = [];
  const long = (s: string, limit: number, at: string) => {
    if (s.length > limit) out.push({ key: 'tooLong', at, limit });
  };
  if (m.kind === 'menu') {
    if (!m.menuId) out.push({ key: 'noMenu', at: 'menuId' });
    return out;
  }
  if (m.kind === 'json') return out;
  if (!m.body.trim()) out.push({ key: 'empty', at: 'body' });
  long(m.body, m.kind === 'text' ? LIMITS.text : LIMITS.interactiveBody, 'body');
  if (m.kind === 'buttons') {
    if (m.buttons.length > LIMITS.buttons) out.push({ key: 'tooMany', at: 'buttons', limit: LIMITS.buttons });
    m.buttons.forEach((b, i) => {
      if (!b.trim()) out.push({ key: 'empty', at: `buttons.${i}` });
      long(b, LIMITS.buttonTitle, `buttons.${i}`);
    });
  }
  if (m.kind === 'list') {
    if (!m.listButton.trim()) out.push({ key: 'empty', at: 'listButton' });
    long(m.listButton, LIMITS.listButton, 'listButton');
    if (m.rows.length > LIMITS.rows) out.push({ key: 'tooMany', at: 'rows', limit: LIMITS.rows });
    m.rows.forEach((r, i) => {
      if (!r.title.trim()) out.push({ key: 'empty', at: `rows.${i}` });
      long(r.title, LIMITS.rowTitle, `rows.${i}`);
      long(r.description, LIMITS.rowDescription, `rows.${i}`);
    });
  }
  return out;
}

/** The message a response stands for, for a preview bubble (a menu is shown by its header). */
export function previewContent(
  value: unknown,
  menus: ReadonlyArray<{ id: string; header: string; options: ReadonlyArray<{ title: string }> }>,
): { type: string; content: Record<string, unknown> } | null {
  const v = obj(value);
  if (v.type === 'menu') {
    const menu = menus.find((m) => m.id === v.menuId);
    if (!menu) return null;
    const lines = menu.options.map((o, i) => `${i + 1}. ${o.title}`);
    return {
      type: 'text',
      content: { type: 'text', text: { body: [menu.header, '', ...lines].join('\n') } },
    };
  }
  const type = str(v.type);
  return type ? { type, content: v } : null;
}
