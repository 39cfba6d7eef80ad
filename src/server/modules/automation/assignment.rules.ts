/**
 * Choosing an agent (pure): who among a team's members is available, which one gets the conversation, and
 * how long a customer should expect to wait. Presence is `online` and seen within {@link PRESENCE_TTL_MS};
 * an agent at capacity (open conversations ≥ capacity) is skipped.
 */

/** An agent counts as online only while their console has checked in this recently. */
export const PRESENCE_TTL_MS = 2 * 60_000;

/** One candidate agent with their presence and load. */
export interface Candidate {
  userId: string;
  availability: 'online' | 'away' | 'offline';
  lastSeenAt: Date | null;
  capacity: number;
  openCount: number;
  /** When this agent was last given a conversation of this team (round robin). */
  lastAssignedAt: Date | null;
}

export type Strategy = 'manual' | 'round_robin' | 'least_open';

/** Whether an agent can take a conversation now. */
export function isAvailable(c: Candidate, now: Date): boolean {
  return (
    c.availability === 'online' &&
    c.lastSeenAt !== null &&
    now.getTime() - c.lastSeenAt.getTime() <= PRESENCE_TTL_MS &&
    c.openCount < c.capacity
  );
}

const time = (d: Date | null) => (d ? d.getTime() : -Infinity);

/**
 * The agent to assign, or null when nobody is available (the conversation waits in the team's queue).
 * `sticky` (the agent who last handled this customer) wins when available; `exclude` skips agents (the one
 * who let the unread timeout pass). Round robin: the available agent assigned longest ago; least open: the one
 * with the fewest open conversations, then round robin. Ties go by user id, so the choice is deterministic.
 */
export function chooseAgent(input: {
  strategy: Strategy;
  candidates: readonly Candidate[];
  now: Date;
  sticky?: string | null;
  exclude?: readonly string[];
}): string | null {
  if (input.strategy === 'manual') return null;
  const excluded = new Set(input.exclude ?? []);
  const available = input.candidates.filter((c) => !excluded.has(c.userId) && isAvailable(c, input.now));
  if (available.length === 0) return null;
  if (input.sticky) {
    const owner = available.find((c) => c.userId === input.sticky);
    if (owner) return owner.userId;
  }
  const byRoundRobin = (a: Candidate, b: Candidate) =>
    time(a.lastAssignedAt) - time(b.lastAssignedAt) || a.userId.localeCompare(b.userId);
  const sorted = [...available].sort(
    input.strategy === 'least_open'
      ? (a, b) => a.openCount - b.openCount || byRoundRobin(a, b)
      : byRoundRobin,
  );
  return sorted[0]?.userId ?? null;
}

/**
 * The wait to announce to a customer handed to a person, in whole minutes: the conversations queued ahead of
 * them shared among the available agents, each taking the average handle time; at least 1 minute. Null when no
 * agent is available (the reply then says someone will answer when the team is back).
 */
export function expectedWaitMinutes(input: {
  queued: number;
  availableAgents: number;
  averageHandleMinutes: number;
}): number | null {
  if (input.availableAgents <= 0) return null;
  return Math.max(1, Math.ceil((input.queued / input.availableAgents) * input.averageHandleMinutes));
}

/**
 * Whether an assigned conversation's new customer message was left unread past the timeout: the assignee has
 * not opened the conversation since the message arrived.
 */
export function unreadTimedOut(input: {
  messageAt: Date;
  assigneeReadAt: Date | null;
  now: Date;
  timeoutMs: number;
}): boolean {
  if (input.timeoutMs <= 0) return false;
  if (input.assigneeReadAt && input.assigneeReadAt.getTime() >= input.messageAt.getTime()) return false;
  return input.now.getTime() - input.messageAt.getTime() >= input.timeoutMs;
}
