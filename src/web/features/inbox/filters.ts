/** The inbox's view and filters, kept in the URL query string so a view can be shared and survives reload. */
export interface InboxFilters {
  view: 'mine' | 'unassigned' | 'all';
  status: string;
  number: string;
  assignee: string;
  team: string;
  tag: string;
  unread: boolean;
  q: string;
}

/** Reads the filters from a query string. */
export function parseFilters(search: string): InboxFilters {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  return {
    view: view === 'mine' || view === 'unassigned' ? view : 'all',
    status: p.get('status') ?? 'open',
    number: p.get('number') ?? '',
    assignee: p.get('assignee') ?? '',
    team: p.get('team') ?? '',
    tag: p.get('tag') ?? '',
    unread: p.get('unread') === '1',
    q: p.get('q') ?? '',
  };
}

/** Writes filters back as a query string (defaults omitted). */
export function filtersToSearch(f: InboxFilters): string {
  const p = new URLSearchParams();
  if (f.view !== 'all') p.set('view', f.view);
  if (f.status !== 'open') p.set('status', f.status);
  if (f.number) p.set('number', f.number);
  if (f.assignee) p.set('assignee', f.assignee);
  if (f.team) p.set('team', f.team);
  if (f.tag) p.set('tag', f.tag);
  if (f.unread) p.set('unread', '1');
  if (f.q) p.set('q', f.q);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The API query of a conversation list page. `status` "any" means no status filter. A search looks through every
 * status (a resolved conversation must be findable by name); the list says so.
 */
export function filtersToApi(f: InboxFilters): Record<string, string | undefined> {
  return {
    view: f.view === 'all' ? undefined : f.view,
    status: f.status === 'any' || f.q.trim() ? undefined : f.status,
    phoneNumberId: f.number || undefined,
    assigneeId: f.view === 'all' && f.assignee ? f.assignee : undefined,
    teamId: f.team || undefined,
    tag: f.tag || undefined,
    unread: f.unread ? 'true' : undefined,
    q: f.q.trim() || undefined,
  };
}
