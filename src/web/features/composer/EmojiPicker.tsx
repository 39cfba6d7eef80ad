import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const EMOJI =
  '😀 😊 🙂 😉 😍 🥰 😂 🤣 😅 😇 🤔 😮 😢 😭 😡 🙏 👍 👎 👏 🙌 👋 🤝 💪 ✌️ 👌 ❤️ 💙 💚 ⭐ ✨ 🎉 🎁 🔥 ✅ ❌ ⚠️ ❓ 📦 🚚 🛒 💳 📅 ⏰ 📍 📞 ✉️ 🏠 🍣'.split(
    ' ',
  );

/** A small grid of common emoji (the OS picker still works in the text box). */
export function EmojiPicker({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <span className="emoji-wrap">
      <button
        type="button"
        className="icon-button"
        disabled={disabled}
        aria-label={t('composer.emoji')}
        title={t('composer.emoji')}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        😊
      </button>
      {open && (
        <div
          className="emoji-grid"
          role="dialog"
          aria-label={t('composer.emoji')}
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          {EMOJI.map((e) => (
            <button
              key={e}
              type="button"
              onClick={() => {
                onPick(e);
                setOpen(false);
              }}
            >
              {e}
            </button>
          ))}
        </div>
      )}
    </span>
  );
}
