import { userName } from '../../lib/queries.ts';
import type { Activity, Team, User } from '../../lib/types.ts';

/**
 * The object of an activity line ("… set team <target>"): the assignee's name, the status or priority label,
 * the team's name. Activities store ids (`{ from, to }`), so names come from the current users and teams; an
 * id no longer in the list (a deleted team) shows as "…". Empty means "nobody" / "no team".
 */
export function activityTarget(
  a: Activity,
  refs: { users: User[] | undefined; teams: Team[] | undefined },
  t: (k: string) => string,
): string {
  const d = a.data;
  const v = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  switch (a.kind) {
    case 'assigned':
      return userName(refs.users, v('assigneeId') ?? v('to')) ?? v('assigneeName') ?? '';
    case 'status':
      return (v('status') ?? v('to')) ? t(`status.${v('status') ?? v('to')}`) : '';
    case 'priority':
      return (v('priority') ?? v('to')) ? t(`priority.${v('priority') ?? v('to')}`) : '';
    case 'team': {
      const named = v('teamName') ?? v('name');
      if (named) return named;
      const id = v('teamId') ?? v('to');
      return id ? (refs.teams?.find((tm) => tm.id === id)?.name ?? '…') : '';
    }
    default:
      return a.body ?? v('rule') ?? '';
  }
}
