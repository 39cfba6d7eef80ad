import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { ConditionNode } from '../../contracts/condition.schemas.ts';

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
  /** Contacts inactive this many months are archived by the daily job; NULL (the default) = never. */
  archive_inactive_after_months: Generated<number | null>;
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
  /** Folded name, reading (hiragana, romaji) and wa_id digits (search-key.rules.ts); NULL until backfilled. */
  search_key: string | null;
  /** When WhatsApp last reported the number undeliverable (131026); such contacts are left out of campaigns. */
  unreachable_at: NullableTimestamp;
  /** Set when the contact was merged into another one (the survivor); such a contact is hidden from lists. */
  merged_into_id: Generated<string | null>;
  merged_at: NullableTimestamp;
  /** Activity tier (contacts-activity.rules.ts), recomputed hourly; NULL when none applies or not computed yet. */
  activity_tier: Generated<ActivityTier | null>;
  /** Set by the archiving job (no message, event or write for N months); cleared when the contact is active again. */
  archived_at: NullableTimestamp;
}

/** A contact's activity tier (see contacts-activity.rules.ts for the definitions). */
export type ActivityTier = 'high' | 'medium' | 'low';

/** A merge of one contact into another, with what moved (see contacts-merge.service.ts). */
export interface ContactMergesTable {
  id: string;
  workspace_id: string;
  survivor_id: string;
  source_id: string;
  moved: ColumnType<unknown, string, string>;
  actor_type: string;
  actor_id: string | null;
  created_at: Timestamp;
  undone_at: NullableTimestamp;
  undone_by_type: string | null;
  undone_by_id: string | null;
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
  /** When the dispatcher marked the claimed send as on the wire (right before the HTTP call); null otherwise. */
  wire_at: NullableTimestamp;
  idempotency_key: string | null;
  idempotency_hash: string | null;
  media_status: 'pending' | 'stored' | 'failed' | null;
  /** Folded text and reading of the body or caption (search-key.rules.ts); '' without text; NULL until backfilled. */
  search_text: string | null;
  /** Distinct bigram codes of `search_text` (`bigramCodes`), what the message search index holds. */
  search_grams: number[] | null;
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

export interface WebhookSpoolStateTable {
  id: number;
  moved_seq: number;
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

/** The Graph media id of a stored file for one phone number (ids are per number and live 30 days). */
export interface MediaNumberUploadsTable {
  media_id: string;
  phone_number_id: string;
  wa_media_id: string;
  uploaded_at: Timestamp;
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
  /** Set when released: when its holder's last send leaves the number's throughput window (wall clock). */
  quiet_until: Timestamp | null;
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
  /** The tag rule that added the tag, or NULL when a person or an import did (a rule removes only its own). */
  rule_id: Generated<string | null>;
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

/** Consent purposes: marketing templates, and utility messages. */
export type ConsentPurpose = 'marketing' | 'utility';
/** A contact's consent for one purpose (no row means `unknown`). */
export type ConsentState = 'opted_in' | 'opted_out' | 'unknown';
/** Where a consent change came from. */
export type ConsentSource =
  'form' | 'import' | 'keyword' | 'button' | 'api' | 'whatsapp_preferences' | 'console' | 'bulk';

export interface ContactConsentsTable {
  workspace_id: string;
  contact_id: string;
  purpose: ConsentPurpose;
  state: ConsentState;
  source: ConsentSource;
  changed_at: Timestamp;
  last_event_id: string;
}

/** Append-only history of consent changes (an UPDATE is refused by a trigger). */
export interface ConsentEventsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  purpose: ConsentPurpose;
  state: ConsentState;
  previous_state: ConsentState;
  source: ConsentSource;
  actor_type: 'user' | 'api_key' | 'system' | 'customer';
  actor_id: string | null;
  message_id: string | null;
  evidence: Json;
  occurred_at: Timestamp;
  created_at: Timestamp;
}

export interface ConsentSettingsTable {
  workspace_id: string;
  settings: Json;
  updated_at: Timestamp;
}

/** The Graph API's template list cached per (workspace, WABA). */
export interface MessageTemplatesTable {
  workspace_id: string;
  waba_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components: Json;
  synced_at: Timestamp;
  /** Meta's template id (null for rows cached before it was kept, until the next sync). */
  template_id: string | null;
  parameter_format: string | null;
  quality_score: string | null;
  rejected_reason: string | null;
}

/** A template's status, quality or category change (webhook or sync), or an edit; alerts need acknowledging. */
export interface TemplateEventsTable {
  id: string;
  workspace_id: string;
  waba_id: string;
  template_id: string | null;
  name: string;
  language: string;
  kind: 'status' | 'quality' | 'category' | 'edited';
  value: string;
  previous: string | null;
  reason: string | null;
  alert: boolean;
  occurred_at: Timestamp;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
}

/** Per-workspace analytics settings: the first-response target of the SLA and whether it counts business hours. */
export interface AnalyticsSettingsTable {
  workspace_id: string;
  first_response_target_seconds: Generated<number>;
  sla_business_hours: Generated<boolean>;
  updated_at: Timestamp;
}

/** Rollup: outbound outcomes by local send day (a cohort) and inbound counts, per number. */
export interface AnalyticsMessageDaysTable {
  workspace_id: string;
  day: ColumnType<string, string, string>;
  phone_number_id: string;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  inbound: number;
}

/** Rollup: failed outbound messages by Graph error code. */
export interface AnalyticsFailureDaysTable {
  workspace_id: string;
  day: ColumnType<string, string, string>;
  phone_number_id: string;
  error_code: number | null;
  failed: number;
}

/** Rollup: customer messages by local day and hour, per number. */
export interface AnalyticsInboundHoursTable {
  workspace_id: string;
  day: ColumnType<string, string, string>;
  hour: number;
  phone_number_id: string;
  inbound: number;
}

/** Rollup: service cases cut out of conversations (docs/metrics.md), durations in seconds. */
export interface AnalyticsCasesTable {
  workspace_id: string;
  conversation_id: string;
  seq: number;
  phone_number_id: string;
  reopened: boolean;
  started_at: Timestamp;
  start_day: ColumnType<string, string, string>;
  agent_id: string | null;
  first_response_seconds: number | null;
  first_response_business_seconds: number | null;
  first_any_response_seconds: number | null;
  first_any_response_business_seconds: number | null;
  turns: number;
  answered_turns: number;
  response_seconds_total: number;
  response_business_seconds_total: number;
  human_replies: number;
  bot_replies: number;
  resolved_at: NullableTimestamp;
  resolved_day: ColumnType<string | null, string | null, string | null>;
  resolution_seconds: number | null;
  resolution_business_seconds: number | null;
}

/** Local days of a workspace whose rollups must be recomputed. */
export interface AnalyticsDirtyDaysTable {
  workspace_id: string;
  day: ColumnType<string, string, string>;
}

/** Conversations whose service cases must be recomputed. */
export interface AnalyticsDirtyConversationsTable {
  workspace_id: string;
  conversation_id: string;
}

/** Up to when the analytics refresh has scanned facts recorded without a domain event. */
export interface AnalyticsWatermarksTable {
  workspace_id: string;
  scanned_until: Timestamp;
}

/** Activity tiers at a past instant, valid while the workspace's tier epoch is `epoch`. */
export interface AnalyticsTierSnapshotsTable {
  workspace_id: string;
  at: Timestamp;
  epoch: number;
  contacts: number;
  active: number;
  lapsing: number;
  dormant: number;
  never: number;
  computed_at: Timestamp;
}

/** The tiers of the present as counted `at` (the minute's refresh, or a read). */
export interface AnalyticsTiersNowTable {
  workspace_id: string;
  at: Timestamp;
  contacts: number;
  active: number;
  lapsing: number;
  dormant: number;
  never: number;
}

/** Moves on whenever the past tiers of a workspace may have changed. */
export interface AnalyticsTierEpochsTable {
  workspace_id: string;
  epoch: number;
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
  contact_merges: ContactMergesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_status_events: MessageStatusEventsTable;
  parked_statuses: ParkedStatusesTable;
  webhook_events: WebhookEventsTable;
  webhook_spool_state: WebhookSpoolStateTable;
  dead_letters: DeadLettersTable;
  media: MediaTable;
  media_number_uploads: MediaNumberUploadsTable;
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
  segments: SegmentsTable;
  tag_rules: TagRulesTable;
  reminders: RemindersTable;
  reminder_sends: ReminderSendsTable;
  tag_conflicts: TagConflictsTable;
  contact_consents: ContactConsentsTable;
  consent_events: ConsentEventsTable;
  consent_settings: ConsentSettingsTable;
  message_templates: MessageTemplatesTable;
  template_events: TemplateEventsTable;
  contact_attribute_definitions: ContactAttributeDefinitionsTable;
  contact_imports: ContactImportsTable;
  contact_import_chunks: ContactImportChunksTable;
  contact_import_errors: ContactImportErrorsTable;
  contact_import_rows: ContactImportRowsTable;
  contact_bulk_actions: ContactBulkActionsTable;
  contact_bulk_action_contacts: ContactBulkActionContactsTable;
  analytics_settings: AnalyticsSettingsTable;
  analytics_message_days: AnalyticsMessageDaysTable;
  analytics_failure_days: AnalyticsFailureDaysTable;
  analytics_inbound_hours: AnalyticsInboundHoursTable;
  analytics_cases: AnalyticsCasesTable;
  analytics_dirty_days: AnalyticsDirtyDaysTable;
  analytics_dirty_conversations: AnalyticsDirtyConversationsTable;
  analytics_watermarks: AnalyticsWatermarksTable;
  analytics_tier_snapshots: AnalyticsTierSnapshotsTable;
  analytics_tier_epochs: AnalyticsTierEpochsTable;
  analytics_tiers_now: AnalyticsTiersNowTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_prices: CampaignPricesTable;
  campaign_links: CampaignLinksTable;
  campaign_clicks: CampaignClicksTable;
  campaign_conversions: CampaignConversionsTable;
  campaign_settings: CampaignSettingsTable;
}

/** A named condition over a workspace's contacts (written by modules/segments). */
export interface SegmentsTable {
  id: string;
  workspace_id: string;
  name: string;
  condition: ColumnType<ConditionNode, string, string>;
  condition_text: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type SegmentRow = Selectable<SegmentsTable>;

/** A rule that keeps a tag on the contacts a condition selects (written by modules/tag-rules). */
export interface TagRulesTable {
  id: string;
  workspace_id: string;
  tag: string;
  condition: ColumnType<ConditionNode, string, string>;
  condition_text: string | null;
  enabled: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_run_at: NullableTimestamp;
  last_run_added: number | null;
  last_run_removed: number | null;
  /** Wall time of the last run, in milliseconds. */
  last_run_ms: number | null;
}
export type TagRuleRow = Selectable<TagRulesTable>;

/** A lifecycle reminder (modules/reminders); documents are parsed by reminders.schemas.ts. */
export interface RemindersTable {
  id: string;
  workspace_id: string;
  name: string;
  enabled: Generated<boolean>;
  trigger: ColumnType<Record<string, unknown>, string, string>;
  condition: ColumnType<ConditionNode | null, string | null, string | null>;
  condition_text: string | null;
  phone_number_id: string;
  template: ColumnType<Record<string, unknown>, string, string>;
  quiet_hours: ColumnType<Record<string, unknown>, string, string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_run_at: NullableTimestamp;
  last_run: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  sent_total: Generated<number>;
  skipped_total: ColumnType<Record<string, number>, string | undefined, string>;
}
export type ReminderRow = Selectable<RemindersTable>;

/** The reminders' exactly-once ledger: one row per (reminder, contact, trigger). */
export interface ReminderSendsTable {
  workspace_id: string;
  reminder_id: string;
  contact_id: string;
  trigger_key: string;
  triggered_at: Timestamp;
  due_at: Timestamp;
  status: 'pending' | 'queued' | 'skipped';
  skip_reason: string | null;
  message_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A pair of tags a workspace declares conflicting (written by modules/tag-rules, `tag-hygiene.*`). */
export interface TagConflictsTable {
  workspace_id: string;
  /** The pair in code-unit order: `tag_a` < `tag_b`. */
  tag_a: string;
  tag_b: string;
  /** Which of the two stays when the conflict is resolved, or null: reported only. */
  keep: 'a' | 'b' | null;
  created_at: Timestamp;
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

/** The type of a defined contact attribute (see `contact-attributes.rules.ts`). */
export type AttributeType = 'text' | 'number' | 'date' | 'boolean' | 'choice';

export interface ContactAttributeDefinitionsTable {
  id: string;
  workspace_id: string;
  key: string;
  label: string;
  type: AttributeType;
  choices: ColumnType<string[], string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type AttributeDefinitionRow = Selectable<ContactAttributeDefinitionsTable>;

export type ContactImportStatus = 'receiving' | 'queued' | 'running' | 'done' | 'failed';

export interface ContactImportsTable {
  id: string;
  workspace_id: string;
  status: ContactImportStatus;
  encoding: string | null;
  on_existing: 'update' | 'skip';
  /** `audience`: the import also keeps its rows (contact + cells) for a campaign audience. */
  purpose: ColumnType<'contacts' | 'audience', 'contacts' | 'audience' | undefined, 'contacts' | 'audience'>;
  mapping: ColumnType<Record<string, string> | null, string | null, string | null>;
  /** Country of phone numbers written without a country code. */
  country: string | null;
  bytes: ColumnType<string, number | string | undefined, number | string>;
  checkpoint_row: ColumnType<number, number | undefined, number>;
  rows: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  error_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}
export type ContactImportRow = Selectable<ContactImportsTable>;

export interface ContactImportChunksTable {
  import_id: string;
  seq: number;
  data: Buffer | Uint8Array;
}

/** A valid row of an audience import: the contact it created or matched and its cells by header. */
export interface ContactImportRowsTable {
  import_id: string;
  contact_id: string;
  row: number;
  columns: ColumnType<Record<string, string>, string, string>;
}

/** A bulk action on contacts (modules/contacts/contacts-bulk.*): its action, target, actor and progress. */
export interface ContactBulkActionsTable {
  id: string;
  workspace_id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  action: ColumnType<Record<string, unknown>, string, string>;
  target: ColumnType<Record<string, unknown>, string, string>;
  actor_type: 'user' | 'api_key';
  actor_id: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  total: number | null;
  processed: ColumnType<number, number | undefined, number>;
  changed: ColumnType<number, number | undefined, number>;
  cursor: string | null;
  error_message: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
}
export type ContactBulkActionRow = Selectable<ContactBulkActionsTable>;

/** The contacts a running bulk action applies to (its snapshot). */
export interface ContactBulkActionContactsTable {
  bulk_action_id: string;
  contact_id: string;
}

export interface ContactImportErrorsTable {
  import_id: string;
  row: number;
  col: string | null;
  code: string;
  message: string;
}

/** A broadcast campaign (written by modules/campaigns); the jsonb documents are parsed by campaign.schemas.ts. */
export interface CampaignsTable {
  id: string;
  workspace_id: string;
  name: string;
  status: Generated<CampaignStatus>;
  phone_number_ids: ColumnType<string[], string, string>;
  template: ColumnType<unknown, string, string>;
  variant_b: ColumnType<unknown, string | null, string | null>;
  audience: ColumnType<unknown, string, string>;
  exclusions: ColumnType<unknown, string, string>;
  schedule: ColumnType<unknown, string, string>;
  quiet_hours: ColumnType<unknown, string, string>;
  limits: ColumnType<unknown, string, string>;
  created_by: string | null;
  approved_by: string | null;
  plan_state: Generated<'pending' | 'planning' | 'done'>;
  plan_cursor: string | null;
  planned_at: NullableTimestamp;
  launched_at: NullableTimestamp;
  paused_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type CampaignStatus =
  'draft' | 'awaiting_approval' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
export type CampaignRow = Selectable<CampaignsTable>;

/** Ledger status of one campaign recipient. */
export type RecipientStatus =
  'planned' | 'skipped' | 'queued' | 'sent' | 'delivered' | 'read' | 'replied' | 'failed';

/** The per-recipient ledger of a campaign (one row per (campaign, contact)). */
export interface CampaignRecipientsTable {
  workspace_id: string;
  campaign_id: string;
  contact_id: string;
  status: RecipientStatus;
  skip_reason: string | null;
  phone_number_id: string | null;
  variant: Generated<'a' | 'b'>;
  time_zone: string | null;
  country: string | null;
  due_at: NullableTimestamp;
  attempt: Generated<number>;
  message_id: string | null;
  retry_of_message_id: string | null;
  error_code: number | null;
  queued_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  read_at: NullableTimestamp;
  replied_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  /** The recipient's first counted click on any of the campaign's links. */
  clicked_at: NullableTimestamp;
  /** The earliest conversion attributed to this campaign for the recipient. */
  converted_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type CampaignRecipientRow = Selectable<CampaignRecipientsTable>;

/** Price of one delivered template message by category and recipient country (`*` = any other). */
export interface CampaignPricesTable {
  workspace_id: string;
  category: string;
  country: string;
  price: ColumnType<string, string | number, string | number>;
  currency: string;
  updated_at: Timestamp;
}

/** A per-recipient short link of a campaign (`/r/<code>`). */
export interface CampaignLinksTable {
  code: string;
  workspace_id: string;
  campaign_id: string;
  contact_id: string;
  url: string;
  clicks: Generated<number>;
  first_clicked_at: NullableTimestamp;
  created_at: Timestamp;
}

/** One counted click on a campaign link. */
export interface CampaignClicksTable {
  id: string;
  workspace_id: string;
  campaign_id: string;
  contact_id: string;
  code: string;
  clicked_at: Timestamp;
}

/** A reported conversion, attributed to a campaign or to none. */
export interface CampaignConversionsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  campaign_id: string | null;
  attributed_by: 'read' | 'clicked' | null;
  touched_at: NullableTimestamp;
  external_id: string | null;
  value: ColumnType<string, string | number, string | number>;
  currency: string;
  occurred_at: Timestamp;
  created_at: Timestamp;
}

/** Campaign result settings of a workspace (attribution window, margin), parsed by campaign.schemas.ts. */
export interface CampaignSettingsTable {
  workspace_id: string;
  settings: Json;
  updated_at: Timestamp;
}
