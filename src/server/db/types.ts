import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';

/**
 * Row types of the tables, mirroring `migrations/*.sql` (the migrations are the truth; keep these in step in
 * the same change). `Json` columns hold parsed JSON values.
 */
export type Json = ColumnType<unknown, string | unknown, string | unknown>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export type MemberRole = 'owner' | 'admin' | 'agent' | 'analyst';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type MessageDirection = 'inbound' | 'outbound';
export type MessageStatus =
  'received' | 'queued' | 'sending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
export type MessageOrigin = 'customer' | 'agent' | 'automation' | 'campaign' | 'api';
/** Outbox lane: conversational messages are sent ahead of bulk ones on the same number. */
export type OutboxLane = 'conversational' | 'bulk';

export interface WorkspacesTable {
  id: string;
  name: string;
  timezone: Generated<string>;
  created_at: Timestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: string | null;
  created_at: Timestamp;
  deactivated_at: NullableTimestamp;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: MemberRole;
  created_at: Timestamp;
  availability: Generated<Availability>;
  last_seen_at: NullableTimestamp;
  capacity: Generated<number>;
  /** Set when an admin of this workspace deactivated the member: no access to this workspace only. */
  deactivated_at: NullableTimestamp;
}

/** An agent's presence: only `online` agents (seen recently) receive automatic assignments. */
export type Availability = 'online' | 'away' | 'offline';

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  workspace_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Password-check throttling per key (`acct:…`, `ip:…`, `pair:…`); see `auth-throttle.rules.ts`. */
export interface AuthThrottlesTable {
  key: string;
  failures: Generated<number>;
  next_allowed_at: Timestamp;
  updated_at: Timestamp;
}

/** One-time password reset links (token stored hashed). `workspace_id` null: issued by the operator. */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  workspace_id: string | null;
  token_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

/** The append-only audit log of a workspace (ids only, no personal data). */
export interface AuditLogTable {
  id: string;
  workspace_id: string;
  occurred_at: Timestamp;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: Json;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  role: MemberRole;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** After this instant the key no longer authenticates; null = never expires. */
  expires_at: NullableTimestamp;
  /** When the secret was last replaced (same id, name and role). */
  rotated_at: NullableTimestamp;
  created_by_user_id: string | null;
  created_by_key_id: string | null;
}

export interface PhoneNumbersTable {
  id: string;
  workspace_id: string;
  phone_number_id: string;
  display_phone_number: string;
  waba_id: string;
  label: string | null;
  access_token_enc: string;
  mps: Generated<number>;
  messaging_limit: number | null;
  quality_rating: string | null;
  status: Generated<string>;
  /** Last successful ownership check against the Graph API (token reaches the number, number on the WABA). */
  verified_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
  /** Messaging limit tier as WhatsApp reports it (`TIER_1K`, `TIER_UNLIMITED`, …); null until read. */
  messaging_tier: Generated<string | null>;
  /** Throughput level (`STANDARD`, `HIGH`); null until read. */
  throughput_level: Generated<string | null>;
  /** Last `phone_number_quality_update` event (FLAGGED, UPGRADE, …). */
  quality_event: Generated<string | null>;
  /** Last `account_update` event of the number's WABA. */
  account_event: Generated<string | null>;
  health_updated_at: NullableTimestamp;
  /** When this app was last subscribed to the WABA's webhooks. */
  webhooks_subscribed_at: NullableTimestamp;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  wa_id: string;
  phone_e164: string | null;
  profile_name: string | null;
  name: string | null;
  country: string | null;
  timezone: string | null;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  consent_state: Generated<'unknown' | 'opted_in' | 'opted_out'>;
  marketing_opted_out_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  phone_number_id: string;
  status: Generated<ConversationStatus>;
  assignee_id: string | null;
  priority: Generated<Priority>;
  snoozed_until: NullableTimestamp;
  last_inbound_at: NullableTimestamp;
  last_message_at: NullableTimestamp;
  last_message_preview: string | null;
  unread_count: Generated<number>;
  team_id: string | null;
  waiting_since: NullableTimestamp;
  automation_paused_at: NullableTimestamp;
  automation_paused_reason: string | null;
  menu_state: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  assignee_read_at: NullableTimestamp;
  assigned_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MessagesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  phone_number_id: string;
  contact_id: string;
  direction: MessageDirection;
  type: string;
  content: ColumnType<Record<string, unknown>, string, string>;
  wamid: string | null;
  status: MessageStatus;
  origin: MessageOrigin;
  lane: Generated<OutboxLane>;
  author_user_id: string | null;
  occurred_at: Timestamp;
  created_at: Timestamp;
  queued_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  read_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  error_code: number | null;
  error_title: string | null;
  error_details: string | null;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  idempotency_key: string | null;
  idempotency_hash: string | null;
  media_status: 'pending' | 'stored' | 'failed' | null;
}

export interface MessageStatusEventsTable {
  workspace_id: string;
  message_id: string;
  wamid: string;
  status: string;
  occurred_at: Timestamp;
  received_at: Timestamp;
  errors: Json | null;
  pricing: Json | null;
}

export interface ParkedStatusesTable {
  wamid: string;
  status: string;
  phone_number_id: string;
  payload: Json;
  received_at: Timestamp;
}

export interface WebhookEventsTable {
  id: Generated<number>;
  received_at: Timestamp;
  body: Buffer;
  signature_valid: boolean;
  processed_at: NullableTimestamp;
  attempts: Generated<number>;
  locked_until: NullableTimestamp;
  error: string | null;
}

export interface DeadLettersTable {
  id: string;
  workspace_id: string | null;
  source: string;
  webhook_event_id: number | null;
  path: string | null;
  reason: string;
  payload: Json | null;
  created_at: Timestamp;
}

export interface MediaTable {
  id: string;
  workspace_id: string;
  message_id: string | null;
  wa_media_id: string | null;
  mime_type: string | null;
  sha256: string | null;
  filename: string | null;
  size_bytes: number | null;
  data: Buffer | null;
  created_at: Timestamp;
}

/** A recurring job's state (scheduler role): when it is next due, when it last ran. */
export interface SchedulesTable {
  name: string;
  cron: string;
  time_zone: string;
  next_run_at: Timestamp;
  last_run_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface JobsTable {
  id: string;
  workspace_id: string | null;
  name: string;
  payload: Json;
  dedupe_key: string | null;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface DispatchLeasesTable {
  phone_number_id: string;
  owner: string;
  expires_at: Timestamp;
}

export interface SchemaMigrationsTable {
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

export interface TeamsTable {
  id: string;
  workspace_id: string;
  name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  workspace_id: string;
  last_assigned_at: NullableTimestamp;
}

export interface AutomationConfigsTable {
  workspace_id: string;
  version: number;
  config: ColumnType<Record<string, unknown>, string, string>;
  author_user_id: string | null;
  note: string | null;
  created_at: Timestamp;
}

export interface AutomationSettingsTable {
  workspace_id: string;
  enabled: Generated<boolean>;
  active_version: number;
  updated_at: Timestamp;
}

export interface AutomationRunsTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  message_id: string;
  config_version: number | null;
  decision: string;
  rule_id: string | null;
  keyword: string | null;
  reason: string | null;
  normalized_text: string | null;
  created_at: Timestamp;
}

export interface ContactEventsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  name: string;
  occurred_at: Timestamp;
  properties: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export type AutomationReplyKind = 'rule' | 'welcome' | 'away' | 'menu' | 'handoff' | 'fallback';

export interface AutomationRepliesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  run_id: string;
  kind: AutomationReplyKind;
  rule_id: string | null;
  layer: string | null;
  content: ColumnType<Record<string, unknown>, string, string>;
  due_at: Timestamp;
  message_id: string | null;
  outcome: string | null;
  created_at: Timestamp;
}

export interface ContactTagsTable {
  workspace_id: string;
  contact_id: string;
  tag: string;
  created_at: Timestamp;
}

export interface ContactNotesTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  author_user_id: string | null;
  body: string;
  created_at: Timestamp;
}

export type ActivityKind = 'note' | 'assigned' | 'team' | 'status' | 'priority' | 'automation';

export interface ConversationActivitiesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  kind: ActivityKind;
  author_user_id: string | null;
  body: string | null;
  data: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface QuickRepliesTable {
  id: string;
  workspace_id: string;
  shortcut: string;
  title: string;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string | null;
  role: MemberRole;
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  auth_throttles: AuthThrottlesTable;
  password_resets: PasswordResetsTable;
  audit_log: AuditLogTable;
  api_keys: ApiKeysTable;
  phone_numbers: PhoneNumbersTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_status_events: MessageStatusEventsTable;
  parked_statuses: ParkedStatusesTable;
  webhook_events: WebhookEventsTable;
  dead_letters: DeadLettersTable;
  media: MediaTable;
  jobs: JobsTable;
  schedules: SchedulesTable;
  dispatch_leases: DispatchLeasesTable;
  schema_migrations: SchemaMigrationsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  contact_tags: ContactTagsTable;
  contact_notes: ContactNotesTable;
  conversation_activities: ConversationActivitiesTable;
  quick_replies: QuickRepliesTable;
  invitations: InvitationsTable;
  automation_configs: AutomationConfigsTable;
  automation_settings: AutomationSettingsTable;
  automation_runs: AutomationRunsTable;
  automation_replies: AutomationRepliesTable;
  contact_events: ContactEventsTable;
}

/** The typed query builder over the whole schema (a connection pool, or PGlite behind a mutex). */
export type Db = Kysely<Database>;
/** A Db or an open transaction: repositories accept either so callers choose the transaction boundary. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type MessageUpdate = Updateable<MessagesTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type ActivityRow = Selectable<ConversationActivitiesTable>;
export type TeamRow = Selectable<TeamsTable>;
export type QuickReplyRow = Selectable<QuickRepliesTable>;
