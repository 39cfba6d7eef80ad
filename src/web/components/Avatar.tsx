import { hueOf, initials } from '../lib/format.ts';

/** A round avatar with the contact's initials on a stable soft colour. */
export function Avatar({ id, name, size = 36 }: { id: string; name: string; size?: number }) {
  return (
    <span
      className={`avatar hue-${Math.floor(hueOf(id) / 30)}`}
      data-size={size > 40 ? 'lg' : 'md'}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}
