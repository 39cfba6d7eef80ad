/** Shortest new password the server accepts (the browser checks it first). */
const NEW_PASSWORD_MIN = 10;

/**
 * A labelled password input: `current` for a password being checked (the browser may fill it in), `new` for
 * one being chosen (at least 10 characters, and the browser may offer to generate one).
 */
export function PasswordField(props: {
  label: string;
  kind: 'current' | 'new';
  value: string;
  onChange: (value: string) => void;
}) {
  const { label, kind, value, onChange } = props;
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="password"
        required
        {...(kind === 'new' ? { minLength: NEW_PASSWORD_MIN } : {})}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={kind === 'new' ? 'new-password' : 'current-password'}
      />
    </label>
  );
}
