import { z } from 'zod';
import { countIssue, documentSchema, imageSchema, isHttpUrl, videoSchema } from './send.schemas.ts';

/**
 * zod schemas for `interactive` sends (reference §1.8) with the limits of §1.12. `type` is matched
 * case-insensitively because widely used client libraries serialise `"BUTTON"`/`"LIST"` and Meta accepts them.
 * Types the reference lists as out of scope for a first simulator (payments, address, carousels, calls) are
 * accepted with only the common checks.
 */

const headerSchema = z
  .looseObject({
    type: z.enum(['text', 'image', 'video', 'document']),
    text: z.string().min(1).max(60).optional(),
    image: imageSchema.optional(),
    video: videoSchema.optional(),
    document: documentSchema.optional(),
  })
  .superRefine((h, ctx) => {
    if (h[h.type] === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `header of type ${h.type} needs a ${h.type} field`,
        path: [h.type],
        params: { graphCode: 100 },
      });
    }
  });

const textHeader = z.looseObject({ type: z.literal('text'), text: z.string().min(1).max(60) });
const body = (max: number) => z.looseObject({ text: z.string().min(1).max(max) });
const footer = z.looseObject({ text: z.string().min(1).max(60) });

function unique(values: string[], what: string, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (new Set(values).size !== values.length) {
    ctx.addIssue({ code: 'custom', message: `${what} must be unique`, path, params: countIssue });
  }
}

const replyButtons = z
  .looseObject({
    buttons: z
      .array(
        z.looseObject({
          type: z.literal('reply'),
          reply: z.looseObject({
            id: z
              .string()
              .min(1)
              .max(256)
              .refine((id) => id.trim() === id, { message: 'must not have leading or trailing spaces' }),
            title: z.string().min(1).max(20),
          }),
        }),
      )
      .min(1)
      .max(3),
  })
  .superRefine((a, ctx) => {
    unique(
      a.buttons.map((b) => b.reply.id),
      'button ids',
      ctx,
      ['buttons'],
    );
    unique(
      a.buttons.map((b) => b.reply.title),
      'button titles',
      ctx,
      ['buttons'],
    );
  });

const listAction = z
  .looseObject({
    button: z.string().min(1).max(20),
    sections: z
      .array(
        z.looseObject({
          title: z.string().min(1).max(24).optional(),
          rows: z
            .array(
              z.looseObject({
                id: z.string().min(1).max(200),
                title: z.string().min(1).max(24),
                description: z.string().max(72).optional(),
              }),
            )
            .min(1)
            .max(10),
        }),
      )
      .min(1)
      .max(10),
  })
  .superRefine((a, ctx) => {
    const rows = a.sections.flatMap((s) => s.rows);
    if (rows.length > 10) {
      ctx.addIssue({
        code: 'custom',
        message: `must have at most 10 rows in total (got ${rows.length})`,
        path: ['sections'],
        params: countIssue,
      });
    }
    if (a.sections.length > 1 && a.sections.some((s) => s.title === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'title is required when there is more than one section',
        path: ['sections'],
        params: countIssue,
      });
    }
    unique(
      rows.map((r) => r.id),
      'row ids',
      ctx,
      ['sections'],
    );
  });

const productListAction = z
  .looseObject({
    catalog_id: z.string().min(1),
    sections: z
      .array(
        z.looseObject({
          title: z.string().min(1).max(24).optional(),
          product_items: z.array(z.looseObject({ product_retailer_id: z.string().min(1) })).min(1),
        }),
      )
      .min(1)
      .max(10),
  })
  .superRefine((a, ctx) => {
    const total = a.sections.reduce((n, s) => n + s.product_items.length, 0);
    if (total > 30) {
      ctx.addIssue({
        code: 'custom',
        message: `must have at most 30 products in total (got ${total})`,
        path: ['sections'],
        params: countIssue,
      });
    }
    if (a.sections.length > 1 && a.sections.some((s) => s.title === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'title is required when there is more than one section',
        path: ['sections'],
        params: countIssue,
      });
    }
  });

const flowParameters = z
  .looseObject({
    flow_message_version: z.literal('3'),
    flow_id: z.string().min(1).optional(),
    flow_name: z.string().min(1).optional(),
    flow_cta: z
      .string()
      .min(1)
      .max(30)
      .refine((s) => !/\p{Extended_Pictographic}/u.test(s), { message: 'must not contain emoji' }),
    flow_token: z.string().min(1).optional(),
    mode: z.enum(['draft', 'published']).optional(),
    flow_action: z.enum(['navigate', 'data_exchange']).optional(),
    flow_action_payload: z
      .looseObject({
        screen: z.string().min(1),
        data: z
          .record(z.string(), z.unknown())
          .refine((d) => Object.keys(d).length > 0, { message: 'must not be empty' })
          .optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.flow_id === undefined) === (p.flow_name === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must have exactly one of flow_id or flow_name',
        params: { graphCode: 100 },
      });
    }
    if (p.flow_action_payload !== undefined && p.flow_action === 'data_exchange') {
      ctx.addIssue({
        code: 'custom',
        message: 'flow_action_payload is only allowed with flow_action navigate',
        path: ['flow_action_payload'],
        params: countIssue,
      });
    }
  });

/** The schema for each interactive `type`, keyed by the lowercased type. */
export const interactiveSchemas: Record<string, z.ZodType> = {
  button: z.looseObject({
    header: headerSchema.optional(),
    body: body(1024),
    footer: footer.optional(),
    action: replyButtons,
  }),
  list: z.looseObject({
    header: textHeader.optional(),
    body: body(4096),
    footer: footer.optional(),
    action: listAction,
  }),
  cta_url: z.looseObject({
    header: headerSchema.optional(),
    body: body(1024),
    footer: footer.optional(),
    action: z.looseObject({
      name: z.literal('cta_url'),
      parameters: z.looseObject({
        display_text: z.string().min(1).max(20),
        url: z.string().refine(isHttpUrl, { message: 'must be a valid http(s) URL' }),
      }),
    }),
  }),
  product: z.looseObject({
    header: z.undefined({ message: 'is not allowed for product messages' }).optional(),
    body: body(1024).optional(),
    footer: footer.optional(),
    action: z.looseObject({ catalog_id: z.string().min(1), product_retailer_id: z.string().min(1) }),
  }),
  product_list: z.looseObject({
    header: textHeader,
    body: body(1024),
    footer: footer.optional(),
    action: productListAction,
  }),
  catalog_message: z.looseObject({
    body: body(1024),
    footer: footer.optional(),
    action: z.looseObject({
      name: z.literal('catalog_message'),
      parameters: z.looseObject({ thumbnail_product_retailer_id: z.string().min(1).optional() }).optional(),
    }),
  }),
  flow: z.looseObject({
    header: headerSchema.optional(),
    body: body(1024),
    footer: footer.optional(),
    action: z.looseObject({ name: z.literal('flow'), parameters: flowParameters }),
  }),
  location_request_message: z.looseObject({
    body: body(1024),
    action: z.looseObject({ name: z.literal('send_location') }),
  }),
};

/** Interactive types accepted with only the common checks (body length, an action object). */
const passThrough = z.looseObject({
  body: body(1024).optional(),
  footer: footer.optional(),
  action: z.looseObject({}),
});
for (const t of [
  'order_details',
  'order_status',
  'address_message',
  'carousel',
  'voice_call',
  'call_permission_request',
]) {
  interactiveSchemas[t] = passThrough;
}

/** Every interactive type the simulator accepts. */
export const INTERACTIVE_TYPES = Object.keys(interactiveSchemas);
