import { useTranslation } from 'react-i18next';
import type { DocProps } from './AutomationPage.tsx';
import { errorsAt } from './draft.ts';
import type { HandoffMessages } from './types.ts';
import { FieldErrors } from './widgets.tsx';

/** The built-in texts, in the order the editor shows them (others in the document follow). */
const KNOWN = ['ja', 'en', 'jaNoAgents', 'enNoAgents', 'jaFallback', 'enFallback'] as const;

/** What customers are told when handed to a person (`{wait}` = expected minutes), per language. */
export function HandoffTab({ doc, update, errors, canEdit }: DocProps) {
  const { t } = useTranslation();
  const messages: Record<string, string | undefined> = { ...doc.handoffMessages };
  const keys = [...KNOWN, ...Object.keys(messages).filter((k) => !(KNOWN as readonly string[]).includes(k))];
  return (
    <fieldset className="form-grid wide-form" disabled={!canEdit}>
      <p className="small muted">{t('automation.handoff.hint')}</p>
      {keys.map((k) => (
        <label key={k} className="field">
          <span>{(KNOWN as readonly string[]).includes(k) ? t(`automation.handoff.keys.${k}`) : k}</span>
          <textarea
            rows={2}
            maxLength={1000}
            value={messages[k] ?? ''}
            onChange={(e) =>
              update((d) => ({
                ...d,
                handoffMessages: { ...d.handoffMessages, [k]: e.target.value } as HandoffMessages,
              }))
            }
          />
          <FieldErrors errors={errorsAt(errors, `handoffMessages.${k}`)} />
        </label>
      ))}
    </fieldset>
  );
}
