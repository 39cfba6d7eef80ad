import { isWindowOpen } from './pricing.rules.ts';
import type { SentRecord } from './sent-log.ts';
import { controlTokenMatches } from './control-access.ts';

/** A business phone number registered with the simulator. */
export interface BusinessNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  /** Accepted sends per sliding second before 130429 (Meta's default 80). */
  mps: number;
  /** Unique recipients outside the window per rolling 24 h; undefined = unlimited. */
  messagingLimit?: number;
  /** Quality rating `GET /{pnid}` reports (default GREEN); set by the control API's quality update. */
  qualityRating?: 'GREEN' | 'YELLOW' | 'RED';
  /** Messaging limit tier `GET /{pnid}` reports once a quality update set one (else derived from `messagingLimit`). */
  messagingTier?: string;
}

/** Input of {@link NumberRegistry.register}. */
export interface NumberRegistration {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  mps?: number;
  messagingLimit?: number;
}

/** Display number as digits only, the form used in `metadata.display_phone_number` and `context.from`. */
export const digitsOf = (display: string) => display.replace(/\D/g, '');

/** Registered business numbers, and which tokens may act on them. */
export class NumberRegistry {
  private readonly numbers = new Map<string, BusinessNumber>();

  /** Registers or updates a number (idempotent, so callers can re-register on every start). */
  register(n: NumberRegistration): BusinessNumber {
    const num: BusinessNumber = {
      phoneNumberId: n.phoneNumberId,
      displayPhoneNumber: n.displayPhoneNumber,
      wabaId: n.wabaId,
      accessToken: n.accessToken,
      mps: n.mps ?? 80,
      ...(n.messagingLimit === undefined ? {} : { messagingLimit: n.messagingLimit }),
    };
    this.numbers.set(n.phoneNumberId, num);
    return num;
  }

  get(phoneNumberId: string): BusinessNumber | undefined {
    return this.numbers.get(phoneNumberId);
  }

  list(): BusinessNumber[] {
    return [...this.numbers.values()];
  }

  /** True when some registered number uses this token. */
  isKnownToken(token: string): boolean {
    for (const n of this.numbers.values()) if (controlTokenMatches(token, n.accessToken)) return true;
    return false;
  }

  /** True when `token` belongs to a number of WABA `wabaId` (Meta scopes tokens to the business). */
  tokenCoversWaba(token: string, wabaId: string): boolean {
    for (const n of this.numbers.values())
      if (n.wabaId === wabaId && controlTokenMatches(token, n.accessToken)) return true;
    return false;
  }

  /** Numbers of a WABA. */
  ofWaba(wabaId: string): BusinessNumber[] {
    return this.list().filter((n) => n.wabaId === wabaId);
  }
}

/** Whether the simulator treats a recipient as being on WhatsApp. */
export interface ReachabilityConfig {
  /** Any valid-looking number is on WhatsApp unless marked unreachable (default true). */
  knownByDefault: boolean;
  /** Numbers starting with one of these are never on WhatsApp (default `["999"]`). */
  unreachablePrefixes: string[];
}

const pair = (pnid: string, waId: string) => `${pnid}\u0000${waId}`;

/** One line of a conversation (`GET /control/conversations`), inbound or outbound. */
export type ConversationEntry =
  | {
      direction: 'inbound';
      wamid: string;
      at: string;
      type: string;
      message: Record<string, unknown>;
      readAt?: string;
    }
  | { direction: 'outbound'; record: SentRecord };

/**
 * What the simulator knows about customers: reachability, names, the last inbound message per business number
 * (the 24 h window), marketing opt-outs, and both directions of each conversation in order.
 */
export class CustomerDirectory {
  private readonly status = new Map<string, 'known' | 'unreachable'>();
  private readonly names = new Map<string, string>();
  private readonly lastInbound = new Map<string, number>();
  private readonly optedOut = new Set<string>();
  private readonly conversations = new Map<string, ConversationEntry[]>();
  private readonly inboundByWamid = new Map<string, Extract<ConversationEntry, { direction: 'inbound' }>>();

  constructor(private readonly reach: ReachabilityConfig) {}

  /** Registers a customer as on WhatsApp (`known`) or not (`unreachable`). */
  setStatus(waId: string, status: 'known' | 'unreachable', name?: string): void {
    this.status.set(waId, status);
    if (name !== undefined) this.names.set(waId, name);
  }

  nameOf(waId: string): string | undefined {
    return this.names.get(waId);
  }

  /** True when a message to `waId` can be delivered (131026 otherwise). */
  isReachable(waId: string): boolean {
    const s = this.status.get(waId);
    if (s !== undefined) return s === 'known';
    if (this.reach.unreachablePrefixes.some((p) => p !== '' && waId.startsWith(p))) return false;
    return this.reach.knownByDefault;
  }

  /** Records an inbound message: the customer is known and the window opens or refreshes. */
  recordInbound(
    pnid: string,
    waId: string,
    atMs: number,
    name: string | undefined,
    opensWindow: boolean,
  ): void {
    if (this.status.get(waId) !== 'unreachable') this.status.set(waId, 'known');
    if (name !== undefined) this.names.set(waId, name);
    if (opensWindow) this.lastInbound.set(pair(pnid, waId), atMs);
  }

  isWindowOpen(pnid: string, waId: string, now: number): boolean {
    return isWindowOpen(this.lastInbound.get(pair(pnid, waId)), now);
  }

  setMarketingOptOut(pnid: string, waId: string, stopped: boolean): void {
    if (stopped) this.optedOut.add(pair(pnid, waId));
    else this.optedOut.delete(pair(pnid, waId));
  }

  hasStoppedMarketing(pnid: string, waId: string): boolean {
    return this.optedOut.has(pair(pnid, waId));
  }

  appendConversation(pnid: string, waId: string, entry: ConversationEntry): void {
    const key = pair(pnid, waId);
    if (entry.direction === 'inbound') this.inboundByWamid.set(entry.wamid, entry);
    const list = this.conversations.get(key);
    if (list) list.push(entry);
    else this.conversations.set(key, [entry]);
  }

  conversation(pnid: string, waId: string): ConversationEntry[] {
    return this.conversations.get(pair(pnid, waId)) ?? [];
  }

  /** The business marked an inbound message as read (mark-as-read call); undefined when the wamid is unknown. */
  markInboundRead(
    wamid: string,
    at: string,
  ): Extract<ConversationEntry, { direction: 'inbound' }> | undefined {
    const entry = this.inboundByWamid.get(wamid);
    if (entry && entry.readAt === undefined) entry.readAt = at;
    return entry;
  }

  /** True when `wamid` is a message of this conversation (reaction targets must be). */
  hasMessage(pnid: string, waId: string, wamid: string): boolean {
    return this.conversation(pnid, waId).some(
      (e) => (e.direction === 'inbound' ? e.wamid : e.record.wamid) === wamid,
    );
  }

  clear(): void {
    this.status.clear();
    this.names.clear();
    this.lastInbound.clear();
    this.optedOut.clear();
    this.conversations.clear();
    this.inboundByWamid.clear();
  }
}
