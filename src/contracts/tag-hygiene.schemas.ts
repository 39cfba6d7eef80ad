/**
 * REST DTOs of tag hygiene: tags nobody uses any more, contacts with too many tags, and pairs of tags the workspace
 * declared conflicting that sit together on contacts — with the set-based actions that clean them up (delete a
 * tag, merge one into another, resolve conflicts by the pair's `keep`).
 */
import { z } from 'zod';
import { TagNameSchema } from './api.schemas.ts';

/** A contact carrying more than this many tags is "over-tagged". */
export const OVER_TAGGED_LIMIT = 15;

/** A tag no contact got in the last 6 months and nothing references (rule, segment, automation, campaign). */
export const UnusedTagSchema = z.object({
  tag: z.string(),
  /** Contacts carrying it. */
  contacts: z.number().int(),
  /** The newest instant a contact got it. */
  lastUsedAt: z.string(),
});

/** Which tag of a conflicting pair stays when the conflict is resolved; null: the pair is only reported. */
export const TagConflictKeepSchema = z.enum(['a', 'b']).nullable();

/** A pair of tags declared conflicting (a contact should not carry both). */
export const TagConflictSchema = z
  .object({ a: TagNameSchema, b: TagNameSchema, keep: TagConflictKeepSchema.default(null) })
  .refine((p) => p.a !== p.b, { message: 'a pair needs two different tags', path: ['b'] });
/** `PUT /api/v1/tags/conflicts`: the workspace's whole list of conflicting pairs (replaces the previous one). */
export const TagConflictListInputSchema = z.array(TagConflictSchema).max(100);
/** The declared pairs, each in code-unit order of its names (`a` < `b`; `keep` follows the tag it named). */
export const TagConflictListSchema = z.object({
  data: z.array(z.object({ a: z.string(), b: z.string(), keep: TagConflictKeepSchema })),
});

/** `GET /api/v1/tags/hygiene`. */
export const TagHygieneSchema = z.object({
  /** Oldest first, at most 200. */
  unused: z.array(UnusedTagSchema),
  /** Contacts (not merged into another) with more than 15 tags: how many, and up to 20 of them, most tags first. */
  overTagged: z.object({
    count: z.number().int(),
    sample: z.array(
      z.object({ contactId: z.string(), name: z.string().nullable(), tags: z.array(z.string()) }),
    ),
  }),
  /** Declared pairs found together on contacts, with how many contacts carry both. */
  conflicts: z.array(
    z.object({
      tags: z.tuple([z.string(), z.string()]),
      keep: TagConflictKeepSchema,
      contacts: z.number().int(),
    }),
  ),
});
/** The hygiene report. */
export type TagHygieneDto = z.infer<typeof TagHygieneSchema>;

/** `POST /api/v1/tags/merge`: every contact carrying `from` carries `to` instead. */
export const TagMergeInputSchema = z
  .object({ from: TagNameSchema, to: TagNameSchema })
  .refine((m) => m.from !== m.to, { message: 'from and to must differ', path: ['to'] });

/** What a delete or merge changed: the contacts that carried the tag. */
export const TagActionResultSchema = z.object({ contacts: z.number().int() });
/** What resolving conflicts changed: the (contact, tag) pairs removed. */
export const TagResolveResultSchema = z.object({ removed: z.number().int() });

/** `/api/v1/tags/{tag}/…`. */
export const TagOnlyParamsSchema = z.object({ tag: TagNameSchema });
