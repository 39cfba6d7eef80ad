import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog.tsx';

/** The keyboard shortcuts (`?`). */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const rows: Array<[string, string]> = [
    ['J / Alt+↓', t('shortcuts.next')],
    ['K / Alt+↑', t('shortcuts.prev')],
    ['R', t('shortcuts.composer')],
    ['Enter', t('shortcuts.send')],
    ['Shift+Enter', t('shortcuts.newline')],
    ['/', t('shortcuts.search')],
    ['Esc', t('shortcuts.escape')],
    ['?', t('shortcuts.help')],
  ];
  return (
    <Dialog title={t('shortcuts.title')} onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
