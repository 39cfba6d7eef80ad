import type { z } from 'zod';
import type {
  ActivitySchema,
  ContactNoteSchema,
  ContactSchema,
  ConversationSchema,
  InvitationPreviewSchema,
  InvitationSchema,
  MeSchema,
  MessageSchema,
  PhoneNumberSchema,
  QuickReplySchema,
  TeamSchema,
  UserSchema,
  ConnectionTestSchema,
  BusinessProfileSchema,
  MediaUploadSchema,
  PendingInvitationSchema,
  TestMessageResultSchema,
  WebhookSubscriptionSchema,
  WhatsAppSetupSchema,
} from '../../contracts/api.schemas.ts';
import type { TemplateSchema } from '../../contracts/template.schemas.ts';
import type {
  ConversationEventDataSchema,
  MessageEventDataSchema,
} from '../../contracts/realtime.schemas.ts';

/*
 * The console's view of the REST API: types inferred from the server's own zod schemas (type-only imports,
 * so no schema code reaches the bundle).
 */
export type Contact = z.infer<typeof ContactSchema>;
export type Conversation = z.infer<typeof ConversationSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;
export type Activity = z.infer<typeof ActivitySchema>;
export type ContactNote = z.infer<typeof ContactNoteSchema>;
export type User = z.infer<typeof UserSchema>;
export type Team = z.infer<typeof TeamSchema>;
export type QuickReply = z.infer<typeof QuickReplySchema>;
export type Template = z.infer<typeof TemplateSchema>;
export type Me = z.infer<typeof MeSchema>;
export type Invitation = z.infer<typeof InvitationSchema>;
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;
export type BusinessProfile = z.infer<typeof BusinessProfileSchema>;
export type MediaUpload = z.infer<typeof MediaUploadSchema>;
export type WhatsAppSetup = z.infer<typeof WhatsAppSetupSchema>;
export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;
export type TestMessageResult = z.infer<typeof TestMessageResultSchema>;
export type PendingInvitation = z.infer<typeof PendingInvitationSchema>;
export type Role = User['role'];
export type ConversationStatus = Conversation['status'];
export type Priority = Conversation['priority'];

/** Realtime payloads (`GET /api/v1/events`); newer servers add fields, older ones may lack some. */
export type MessageEvent = z.infer<typeof MessageEventDataSchema>;
export type ConversationEvent = z.infer<typeof ConversationEventDataSchema> &
  Partial<Pick<Conversation, 'snoozedUntil' | 'automationPaused'>>;

/** A page of a list endpoint. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Body of login, accept-invite and switch-workspace. */
export interface LoginResult {
  csrfToken: string;
  user: { id: string; email: string; name: string; locale?: string | null };
  workspace: { id: string; name: string; role: Role };
  workspaces: Array<{ id: string; name: string; role: Role }>;
}
