import { useCallback, useEffect, useState } from 'react';
import { SEND_LIMITS } from '../../../contracts/whatsapp/send-common.schemas.ts';

/**
 * WhatsApp's length limits as the API checks them: UTF-16 code units (`string.length`, what the send schemas
 * count — an emoji outside the BMP counts 2), 4,096 for a text, 1,024 for a media caption.
 */
export const TEXT_LIMIT = SEND_LIMITS.textBody;
export const CAPTION_LIMIT = SEND_LIMITS.mediaCaption;
/** The counter shows from this share of the limit on. */
export const COUNTER_FROM = 0.9;

/** The length WhatsApp counts for a text. */
export function waLength(text: string): number {
  return text.length;
}

const key = (workspaceId: string, conversationId: string) => `tsunagi.draft.${workspaceId}.${conversationId}`;

/**
 * The unsent reply of a conversation, kept in localStorage per workspace and conversation so a reload or a
 * switch to another conversation does not lose it; `clear` after sending.
 */
export function useDraft(
  workspaceId: string,
  conversationId: string,
): [string, (text: string | ((s: string) => string)) => void, () => void] {
  const [text, setTextState] = useState(() => read(workspaceId, conversationId));
  useEffect(() => setTextState(read(workspaceId, conversationId)), [workspaceId, conversationId]);
  const setText = useCallback(
    (next: string | ((s: string) => string)) =>
      setTextState((prev) => {
        const value = typeof next === 'function' ? next(prev) : next;
        try {
          if (value) localStorage.setItem(key(workspaceId, conversationId), value);
          else localStorage.removeItem(key(workspaceId, conversationId));
        } catch {
          // storage full or disabled: the draft lives in memory only
        }
        return value;
      }),
    [workspaceId, conversationId],
  );
  const clear = useCallback(() => setText(''), [setText]);
  return [text, setText, clear];
}

function read(workspaceId: string, conversationId: string): string {
  try {
    return localStorage.getItem(key(workspaceId, conversationId)) ?? '';
  } catch {
    return '';
  }
}
