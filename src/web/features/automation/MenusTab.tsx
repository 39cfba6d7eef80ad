import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocProps } from './AutomationPage.tsx';
import { errorsAt, removeAt, replaceAt, uniqueId } from './draft.ts';
import { ResponseEditor } from './ResponseEditor.tsx';
import type { Menu, MenuOption } from './types.ts';
import { FieldErrors } from './widgets.tsx';

type OptionAction = 'response' | 'submenu' | 'handoff';

function actionOf(o: MenuOption): OptionAction {
  if (o.handoff) return 'handoff';
  if (o.submenuId) return 'submenu';
  return 'response';
}

/** Sets what an option leads to, dropping the other two. */
function withAction(o: MenuOption, a: OptionAction, firstMenu: string): MenuOption {
  const { response: _r, submenuId: _s, handoff: _h, ...rest } = o;
  if (a === 'handoff') return { ...rest, handoff: true };
  if (a === 'submenu') return { ...rest, submenuId: o.submenuId ?? firstMenu };
  return { ...rest, response: o.response ?? { type: 'text', text: { body: '' } } };
}

/**
 * Menus: numbered text, reply buttons (≤ 3) or a list (≤ 10); each option answers, opens a submenu or hands
 * the customer to a person. A keyword rule (or the welcome) shows a menu with the response "show menu".
 */
export function MenusTab({ doc, update, errors, canEdit }: DocProps) {
  const { t } = useTranslation();
  const menus = doc.menus ?? [];
  const [selected, setSelected] = useState<number | null>(menus.length ? 0 : null);
  const setMenus = (fn: (m: Menu[]) => Menu[]) => update((d) => ({ ...d, menus: fn(d.menus ?? []) }));
  const menu = selected === null ? undefined : menus[selected];
  const path = `menus.${selected ?? 0}`;
  const setMenu = (m: Menu) => selected !== null && setMenus((l) => replaceAt(l, selected, m));

  return (
    <div className="menus-tab">
      <ul className="card-list">
        {menus.map((m, i) => (
          <li
            key={i}
            className={`card row-card ${selected === i ? 'selected' : ''} ${errorsAt(errors, `menus.${i}`).length ? 'has-error' : ''}`}
          >
            <button type="button" className="link-button" onClick={() => setSelected(i)}>
              {m.name || m.id}
            </button>
            <span className="small muted">
              {t(`automation.menus.styles.${m.style ?? 'text'}`)} ·{' '}
              {t('automation.menus.optionCount', { count: m.options.length })}
            </span>
          </li>
        ))}
      </ul>
      {menus.length === 0 && <p className="muted">{t('automation.menus.none')}</p>}
      {canEdit && (
        <button
          type="button"
          className="btn primary"
          onClick={() => {
            const id = uniqueId(
              'menu',
              menus.map((m) => m.id),
            );
            setMenus((l) => [
              ...l,
              {
                id,
                name: '',
                style: 'buttons',
                header: '',
                options: [{ id: 'o1', title: '', response: { type: 'text', text: { body: '' } } }],
              },
            ]);
            setSelected(menus.length);
          }}
        >
          + {t('automation.menus.add')}
        </button>
      )}
      {menu && (
        <fieldset className="card menu-editor" disabled={!canEdit} key={selected}>
          <div className="inline-fields">
            <label className="field grow">
              <span>{t('automation.menus.name')}</span>
              <input value={menu.name ?? ''} onChange={(e) => setMenu({ ...menu, name: e.target.value })} />
            </label>
            <label className="field">
              <span>{t('automation.menus.id')}</span>
              <input value={menu.id} onChange={(e) => setMenu({ ...menu, id: e.target.value })} />
              <FieldErrors errors={errorsAt(errors, `${path}.id`)} />
            </label>
            <label className="field">
              <span>{t('automation.menus.style')}</span>
              <select
                value={menu.style ?? 'text'}
                onChange={(e) => setMenu({ ...menu, style: e.target.value as Menu['style'] })}
              >
                {(['text', 'buttons', 'list'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`automation.menus.styles.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label className="field">
            <span>{t('automation.menus.header')}</span>
            <textarea
              rows={2}
              maxLength={1024}
              value={menu.header}
              onChange={(e) => setMenu({ ...menu, header: e.target.value })}
            />
            <FieldErrors errors={errorsAt(errors, `${path}.header`)} />
          </label>
          {menu.style === 'list' && (
            <label className="field">
              <span>{t('automation.menus.buttonLabel')}</span>
              <input
                maxLength={20}
                value={menu.buttonLabel ?? ''}
                onChange={(e) => setMenu({ ...menu, buttonLabel: e.target.value })}
              />
              <FieldErrors errors={errorsAt(errors, `${path}.buttonLabel`)} />
            </label>
          )}
          <h3>{t('automation.menus.options')}</h3>
          <span className="small muted block">{t('automation.menus.optionsHint')}</span>
          {menu.options.map((o, j) => {
            const at = `${path}.options.${j}`;
            const action = actionOf(o);
            const setOption = (x: MenuOption) => setMenu({ ...menu, options: replaceAt(menu.options, j, x) });
            return (
              <div key={j} className="menu-option card" data-path={at}>
                <div className="inline-fields">
                  <span className="option-number">{j + 1}.</span>
                  <label className="field grow">
                    <span>{t('automation.menus.optionTitle')}</span>
                    <input
                      maxLength={24}
                      value={o.title}
                      onChange={(e) => setOption({ ...o, title: e.target.value })}
                    />
                    <FieldErrors errors={errorsAt(errors, `${at}.title`)} />
                  </label>
                  <label className="field grow">
                    <span>{t('automation.menus.optionDescription')}</span>
                    <input
                      maxLength={72}
                      value={o.description ?? ''}
                      onChange={(e) => setOption({ ...o, description: e.target.value || undefined })}
                    />
                  </label>
                  <label className="field">
                    <span>{t('automation.menus.leadsTo')}</span>
                    <select
                      value={action}
                      onChange={(e) =>
                        setOption(
                          withAction(
                            o,
                            e.target.value as OptionAction,
                            menus.find((m) => m.id !== menu.id)?.id ?? '',
                          ),
                        )
                      }
                    >
                      {(['response', 'submenu', 'handoff'] as const).map((a) => (
                        <option key={a} value={a}>
                          {t(`automation.menus.actions.${a}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('interactive.remove')}
                    disabled={menu.options.length <= 1}
                    onClick={() => setMenu({ ...menu, options: removeAt(menu.options, j) })}
                  >
                    ×
                  </button>
                </div>
                {action === 'submenu' && (
                  <label className="field">
                    <span>{t('automation.menus.submenu')}</span>
                    <select
                      value={o.submenuId ?? ''}
                      onChange={(e) => setOption({ ...o, submenuId: e.target.value })}
                    >
                      {menus
                        .filter((m) => m.id !== menu.id)
                        .map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.name || m.id}
                          </option>
                        ))}
                    </select>
                    <FieldErrors errors={errorsAt(errors, `${at}.submenuId`)} />
                  </label>
                )}
                {action === 'response' && (
                  <ResponseEditor
                    label={t('automation.menus.optionResponse')}
                    value={o.response}
                    menus={menus}
                    path={`${at}.response`}
                    errors={errors}
                    disabled={!canEdit}
                    onChange={(response) => setOption({ ...o, response })}
                  />
                )}
                {action === 'handoff' && <p className="small muted">{t('automation.menus.handoffHint')}</p>}
                <FieldErrors errors={errorsAt(errors, at, true)} />
              </div>
            );
          })}
          {menu.options.length < 10 && (
            <button
              type="button"
              className="link-button"
              onClick={() =>
                setMenu({
                  ...menu,
                  options: [
                    ...menu.options,
                    {
                      id: uniqueId(
                        'o',
                        menu.options.map((o) => o.id),
                        '',
                      ),
                      title: '',
                      response: { type: 'text', text: { body: '' } },
                    },
                  ],
                })
              }
            >
              + {t('automation.menus.addOption')}
            </button>
          )}
          <FieldErrors
            errors={[...errorsAt(errors, `${path}.options`, true), ...errorsAt(errors, path, true)]}
          />
          {canEdit && (
            <div className="form-actions">
              <span className="spacer" />
              <button
                type="button"
                className="btn subtle danger"
                onClick={() => {
                  setMenus((l) => removeAt(l, selected ?? 0));
                  setSelected(null);
                }}
              >
                {t('automation.menus.delete')}
              </button>
            </div>
          )}
        </fieldset>
      )}
    </div>
  );
}
