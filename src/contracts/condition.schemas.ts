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

/** A node of the condition tree. */
export type ConditionNode =
  | z.infer<typeof TagSchema>
  | z.infer<typeof AttrSchema>
  | z.infer<typeof AttrExistsSchema>
  | z.infer<typeof EventSchema>
  | { type: 'and' | 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode };

// The recursive members need an explicit type: zod cannot infer a type that refers to itself.
/** Schema of a condition tree (validates trees stored as JSON). */
export const ConditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    TagSchema,
    AttrSchema,
    AttrExistsSchema,
    EventSchema,
    z.object({ type: z.enum(['and', 'or']), items: z.array(ConditionNodeSchema).min(2) }),
    z.object({ type: z.literal('not'), item: ConditionNodeSchema }),
  ]),
);

/** A parse error with the 0-based character offset where the text stops making sense. */
export interface ConditionSyntaxError {
  message: string;
  position: number;
}
