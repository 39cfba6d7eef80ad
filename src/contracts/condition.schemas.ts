/**
 * The condition language's syntax tree (zod). Conditions are stored as text for people and as this tree for
 * machines: the automation evaluator walks it in memory today, and segments will compile the same tree to SQL.
 */
import { z } from 'zod';

/** Comparison operators on attributes and event counts. */
export const ComparisonOpSchema = z.enum(['=', '!=', '>', '>=', '<', '<=', 'contains']);
/** A comparison operator. */
export type ComparisonOp = z.infer<typeof ComparisonOpSchema>;

/** A literal on the right of a comparison. */
export const LiteralSchema = z.union([z.string(), z.number(), z.boolean()]);

const TagSchema = z.object({ type: z.literal('tag'), name: z.string().min(1) });
const AttrSchema = z.object({
  type: z.literal('attr'),
  /** Dotted path into the contact's attributes (`plan`, `address.prefecture`). */
  key: z.string().min(1),
  op: ComparisonOpSchema,
  value: LiteralSchema,
});
const AttrExistsSchema = z.object({ type: z.literal('attr_exists'), key: z.string().min(1) });
const EventSchema = z.object({
  type: z.literal('event'),
  /** Event name, or null for any event. */
  name: z.string().min(1).nullable(),
  /** Only events in the last `withinMs` milliseconds before `now`; null for all time. */
  withinMs: z.number().int().positive().nullable(),
  /** Compare the number of such events; null means "at least one". */
  count: z
    .object({ op: ComparisonOpSchema.exclude(['contains']), value: z.number().int().min(0) })
    .nullable(),
});

/** Text fields of a contact. `name` is the name an agent gave, else the WhatsApp profile name; `phone` the wa_id digits. */
export const ContactTextFieldSchema = z.enum(['name', 'phone', 'country', 'language']);
/** A text field of a contact. */
export type ContactTextField = z.infer<typeof ContactTextFieldSchema>;
/** Operators on a contact's text fields. */
export const TextOpSchema = z.enum(['=', '!=', 'contains', 'starts_with']);
/** An operator on a text field. */
export type TextOp = z.infer<typeof TextOpSchema>;

const FieldSchema = z.object({
  type: z.literal('field'),
  field: ContactTextFieldSchema,
  op: TextOpSchema,
  value: z.string().max(200),
});
const FieldExistsSchema = z.object({ type: z.literal('field_exists'), field: ContactTextFieldSchema });
const TagsSchema = z.object({
  type: z.literal('tags'),
  /** `has` one tag, `any` of the names, `all` of them. */
  mode: z.enum(['has', 'any', 'all']),
  names: z.array(z.string().min(1).max(100)).min(1).max(50),
});
/** Instants of a contact: when it was created, and its latest inbound message (any conversation). */
export const ContactInstantSchema = z.enum(['created_at', 'last_inbound_at']);
const AgeSchema = z.object({
  type: z.literal('age'),
  field: ContactInstantSchema,
  /** `within`: in the last `ms` before `now` (not after `now`); `older_than`: before `now - ms`. */
  relation: z.enum(['within', 'older_than']),
  ms: z.number().int().positive(),
});
const ActivitySchema = z.object({
  type: z.literal('activity'),
  /** `conversations`: conversations with a message in the window; `inbound`: inbound messages in it. */
  what: z.enum(['conversations', 'inbound']),
  withinMs: z.number().int().positive().nullable(),
  count: z
    .object({ op: ComparisonOpSchema.exclude(['contains']), value: z.number().int().min(0) })
    .nullable(),
});
const PhoneNumberSchema = z.object({
  type: z.literal('phone_number'),
  /** Our phone number id (uuid), or a display number compared by its digits. */
  value: z.string().min(1).max(100),
});
const ConsentSchema = z.object({
  type: z.literal('consent'),
  purpose: z.literal('marketing'),
  /** `unknown`: no consent was ever recorded for the purpose. */
  state: z.enum(['opted_in', 'opted_out', 'unknown']),
  /** `!=` matches every other state. */
  op: z.enum(['=', '!=']),
});
/** A contact's activity tier, recomputed hourly from its inbound messages (see docs/api.md, "Activity tiers"). */
export const ActivityTierSchema = z.enum(['high', 'medium', 'low']);
/** An activity tier. */
export type ActivityTierName = z.infer<typeof ActivityTierSchema>;
const ActivityTierTestSchema = z.object({
  type: z.literal('activity_tier'),
  /** `none`: the contact has no tier (activity only 31–90 days ago, or not computed yet). */
  tier: z.enum(['high', 'medium', 'low', 'none']),
  /** `!=` matches every other tier, `none` included. */
  op: z.enum(['=', '!=']),
});

/** A node of the condition tree. */
export type ConditionNode =
  | z.infer<typeof TagSchema>
  | z.infer<typeof AttrSchema>
  | z.infer<typeof AttrExistsSchema>
  | z.infer<typeof EventSchema>
  | z.infer<typeof FieldSchema>
  | z.infer<typeof FieldExistsSchema>
  | z.infer<typeof TagsSchema>
  | z.infer<typeof AgeSchema>
  | z.infer<typeof ActivitySchema>
  | z.infer<typeof PhoneNumberSchema>
  | z.infer<typeof ConsentSchema>
  | z.infer<typeof ActivityTierTestSchema>
  | { type: 'and' | 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode };

// The recursive members need an explicit type: zod cannot infer a type that refers to itself.
/** Schema of a condition tree (validates trees stored as JSON). */
export const ConditionNodeSchema: z.ZodType<ConditionNode> = z
  .lazy(
    () =>
      z.discriminatedUnion('type', [
        TagSchema,
        AttrSchema,
        AttrExistsSchema,
        EventSchema,
        FieldSchema,
        FieldExistsSchema,
        TagsSchema,
        AgeSchema,
        ActivitySchema,
        PhoneNumberSchema,
        ConsentSchema,
        ActivityTierTestSchema,
        z.object({ type: z.enum(['and', 'or']), items: z.array(ConditionNodeSchema).min(2) }),
        z.object({ type: z.literal('not'), item: ConditionNodeSchema }),
      ]),
    // The id names the shared OpenAPI component (components.schemas.ConditionNode) every $ref points to.
  )
  .meta({ id: 'ConditionNode' });

/** A parse error with the 0-based character offset where the text stops making sense. */
export interface ConditionSyntaxError {
  message: string;
  position: number;
}
