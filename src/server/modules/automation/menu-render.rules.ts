/**
 * Menus as WhatsApp messages (pure): numbered text, reply buttons or a list, and reading the customer's answer
 * back — a tapped button or row carries `menu:<menuId>:<optionId>`; typed answers go through parseMenuAnswer.
 */
import type { MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import type { Menu } from '../../../contracts/automation-document.schemas.ts';
import { parseMenuAnswer } from './menu.rules.ts';

const ID_PREFIX = 'menu:';

/** The reply id of a menu option on buttons and list rows. */
export function menuOptionReplyId(menuId: string, optionId: string): string {
  return `${ID_PREFIX}${menuId}:${optionId}`;
}

/** The message that shows a menu in its style. Numbered text always works, buttons and lists need ≤ 3 / ≤ 10. */
export function renderMenu(menu: Menu): MessageContent {
  if (menu.style === 'buttons') {
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: menu.header },
        action: {
          buttons: menu.options.map((o) => ({
            type: 'reply',
            reply: { id: menuOptionReplyId(menu.id, o.id), title: o.title },
          })),
        },
      },
    } as MessageContent;
  }
  if (menu.style === 'list') {
    return {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: menu.header },
        action: {
          button: menu.buttonLabel,
          sections: [
            {
              rows: menu.options.map((o) => ({
                id: menuOptionReplyId(menu.id, o.id),
                title: o.title,
                ...(o.description ? { description: o.description } : {}),
              })),
            },
          ],
        },
      },
    } as MessageContent;
  }
  const lines = menu.options.map(
    (o, i) => `${i + 1}. ${o.title}${o.description ? ` — ${o.description}` : ''}`,
  );
  return { type: 'text', text: { body: `${menu.header}\n\n${lines.join('\n')}` } } as MessageContent;
}

/** What a customer's inbound message says, for menus: a tapped reply id, or the typed text. */
export interface CustomerInput {
  text: string;
  replyId: string | null;
}

/** Reads an inbound message's content (webhook shape) as text and, for taps, the reply id. */
export function customerInput(content: Record<string, unknown>): CustomerInput {
  const type = String(content.type ?? '');
  const body = (content[type] ?? {}) as Record<string, unknown>;
  if (type === 'text') return { text: String(body.body ?? ''), replyId: null };
  if (type === 'interactive') {
    const reply = (body.button_reply ?? body.list_reply ?? {}) as { id?: unknown; title?: unknown };
    return { text: String(reply.title ?? ''), replyId: typeof reply.id === 'string' ? reply.id : null };
  }
  if (type === 'button')
    return { text: String(body.text ?? ''), replyId: typeof body.payload === 'string' ? body.payload : null };
  const caption = body.caption;
  return { text: typeof caption === 'string' ? caption : '', replyId: null };
}

/** The option of `menu` the customer chose, or null when the message is not an answer to it. */
export function answerToMenu(menu: Menu, input: CustomerInput): Menu['options'][number] | null {
  if (input.replyId?.startsWith(ID_PREFIX)) {
    const [menuId, optionId] = input.replyId.slice(ID_PREFIX.length).split(':');
    if (menuId !== menu.id) return null;
    return menu.options.find((o) => o.id === optionId) ?? null;
  }
  const chosen = parseMenuAnswer(input.text, menu.options);
  return chosen ? (menu.options.find((o) => o.id === chosen.id) ?? null) : null;
}
