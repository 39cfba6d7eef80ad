/**
 * REST DTOs of contact merges: `POST /api/v1/contacts/{id}/merge` merges another contact into contact `id` (the
 * survivor); `POST /api/v1/contacts/merges/{mergeId}/undo` moves back exactly what the merge moved.
 */
import { z } from 'zod';

/** `POST /api/v1/contacts/{id}/merge`. */
export const ContactMergeInputSchema = z.object({
  sourceContactId: z
    .uuid()
    .describe('The contact merged into the survivor (kept, marked merged, hidden from lists)'),
});

/** What a merge moved to the survivor (counts, tag names, attribute keys). */
export const ContactMergeMovedSchema = z.object({
  conversations: z
    .number()
    .int()
    .describe('Conversations moved as they are (numbers the survivor had no thread on)'),
  messages: z
    .number()
    .int()
    .describe('Messages moved (incl. those folded into a thread the survivor already had)'),
  foldedConversations: z
    .number()
    .int()
    .describe('Source conversations whose messages moved into the survivor’s thread on the same number'),
  tags: z.array(z.string()).describe('Tags the survivor did not have'),
  attributes: z.array(z.string()).describe('Attribute keys the survivor did not have'),
  attributeConflicts: z
    .record(z.string(), z.unknown())
    .describe('The source’s values of keys both had (the survivor’s value was kept)'),
  consent: z.array(
    z.object({
      purpose: z.enum(['marketing', 'utility']),
      from: z.enum(['opted_in', 'opted_out', 'unknown']),
      to: z.enum(['opted_in', 'opted_out', 'unknown']),
    }),
  ),
  notes: z.number().int(),
  events: z.number().int(),
  campaignRecipients: z
    .number()
    .int()
    .describe('Campaign ledger rows moved (campaigns the survivor was not in)'),
  campaignRecipientsKept: z
    .number()
    .int()
    .describe('Ledger rows left with the source: both were in the campaign'),
  conversions: z.number().int(),
});

/** A merge. */
export const ContactMergeSchema = z.object({
  id: z.string(),
  survivorId: z.string(),
  sourceId: z.string(),
  moved: ContactMergeMovedSchema,
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  createdAt: z.string(),
  undoneAt: z.string().nullable(),
});
/** A merge. */
export type ContactMergeDto = z.infer<typeof ContactMergeSchema>;
/** The merges a contact took part in, newest first. */
export const ContactMergeListSchema = z.object({ data: z.array(ContactMergeSchema) });
