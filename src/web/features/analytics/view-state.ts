/**
 * What the Analytics page shows, kept in its address (`/analytics?days=30&number=…`) so a reload, the back button
 * or a shared link shows the same view. Unknown or malformed values fall back to the defaults.
 */
import { PRESETS, rangeProblem, type Preset, type RangeChoice } from './range.ts';

/** The page's choices: range, comparison and filters. */
export interface ViewState {
  range: RangeChoice;
  compare: boolean;
  phoneNumberId: string | null;
  agentId: string | null;
  teamId: string | null;
  tag: string | null;
  businessHours: boolean;
}

export const DEFAULT_VIEW: ViewState = {
  range: { kind: 'preset', days: 7 },
  compare: true,
  phoneNumberId: null,
  agentId: null,
  teamId: null,
  tag: null,
  businessHours: false,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const id = (v: string | null) => (v && UUID.test(v) ? v : null);

/** The view a query string asks for. */
export function parseView(search: string): ViewState {
  const q = new URLSearchParams(search);
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const days = Number(q.get('days'));
  const range: RangeChoice =
    from && to && rangeProblem(from, to) === null
      ? { kind: 'custom', from, to }
      : (PRESETS as readonly number[]).includes(days)
        ? { kind: 'preset', days: days as Preset }
        : DEFAULT_VIEW.range;
  const tag = q.get('tag')?.trim() ?? '';
  return {
    range,
    compare: q.get('compare') !== 'off',
    phoneNumberId: id(q.get('number')),
    agentId: id(q.get('agent')),
    teamId: id(q.get('team')),
    tag: tag && tag.length <= 50 ? tag : null,
    businessHours: q.get('businessHours') === 'on',
  };
}

/** The query string of a view (defaults left out). */
export function viewSearch(v: ViewState): string {
  const q = new URLSearchParams();
  if (v.range.kind === 'custom') {
    q.set('from', v.range.from);
    q.set('to', v.range.to);
  } else if (v.range.days !== 7) q.set('days', String(v.range.days));
  if (!v.compare) q.set('compare', 'off');
  if (v.phoneNumberId) q.set('number', v.phoneNumberId);
  if (v.agentId) q.set('agent', v.agentId);
  if (v.teamId) q.set('team', v.teamId);
  if (v.tag) q.set('tag', v.tag);
  if (v.businessHours) q.set('businessHours', 'on');
  const s = q.toString();
  return s ? `?${s}` : '';
}
