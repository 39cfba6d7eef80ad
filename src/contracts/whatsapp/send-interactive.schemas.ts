import { z } from 'zod';
import {
  SEND_LIMITS,
  httpUrl,
  idString,
  limitedText,
  lowerCaseType,
  mediaObject,
} from './send-common.schemas.ts';
import { FlowParametersSchema } from './send-flow.schemas.ts';

const L = SEND_LIMITS;

const TextHeaderSchema = z.object({
  type: z.literal('text'),
  text: limitedText('interactive.header.text', L.headerText),
});

/** Optional header of button / cta_url / flow messages: text, image, video or document. */
const MediaOrTextHeaderSchema = z.preprocess(
  lowerCaseType,
  z.discriminatedUnion('type', [
    TextHeaderSchema,
    z.object({ type: z.literal('image'), image: mediaObject('image') }),
    z.object({ type: z.literal('video'), video: mediaObject('video') }),
    z.object({ type: z.literal('document'), document: mediaObject('document') }),
  ]),
);

const TextOnlyHeaderSchema = z.preprocess(
  lowerCaseType,
  TextHeaderSchema.extend({
    type: z.literal('text', {
      error: 'interactive.header.type must be "text" (list and product_list headers are text only)',
    }),
  }),
);

function body(max: number) {
  return z.object({ text: limitedText('interactive.body.text', max) });
}
const FooterSchema = z.object({ text: limitedText('interactive.footer.text', L.footerText) });

function firstDuplicate(values: string[]): string | undefined {
  return values.find((v, i) => values.indexOf(v) !== i);
}

const ReplyButtonSchema = z.object({
  type: z.literal('reply'),
  reply: z.object({
    id: limitedText('button reply.id', L.replyButtonId).refine(
      (s) => s === s.trim(),
      'button reply.id must not have leading or trailing spaces',
    ),
    title: limitedText('button reply.title', L.replyButtonTitle),
  }),
});

const ButtonInteractiveSchema = z.object({
  type: z.literal('button'),
  header: MediaOrTextHeaderSchema.optional(),
  body: body(L.interactiveBody),
  footer: FooterSchema.optional(),
  action: z.object({
    buttons: z
      .array(ReplyButtonSchema)
      .min(L.replyButtonsMin, 'interactive.action.buttons needs at least 1 button')
      .max(L.replyButtonsMax, `interactive.action.buttons allows at most ${L.replyButtonsMax} buttons`)
      .refine((b) => !firstDuplicate(b.map((x) => x.reply.id)), 'button reply ids must be unique')
      .refine((b) => !firstDuplicate(b.map((x) => x.reply.title)), 'button reply titles must be unique'),
  }),
});

const ListRowSchema = z.object({
  id: limitedText('list row id', L.listRowId),
  title: limitedText('list row title', L.listRowTitle),
  description: limitedText('list row description', L.listRowDescription).optional(),
});

const ListSectionSchema = z.object({
  title: limitedText('list section title', L.listSectionTitle).optional(),
  rows: z.array(ListRowSchema).min(1, 'a list section needs at least 1 row'),
});

const ListInteractiveSchema = z.object({
  type: z.literal('list'),
  header: TextOnlyHeaderSchema.optional(),
  body: body(L.listBody),
  footer: FooterSchema.optional(),
  action: z
    .object({
      button: limitedText('interactive.action.button', L.listButton),
      sections: z
        .array(ListSectionSchema)
        .min(1, 'interactive.action.sections needs at least 1 section')
        .max(L.listSections, `interactive.action.sections allows at most ${L.listSections} sections`),
    })
    .superRefine((action, ctx) => {
      const rows = action.sections.flatMap((s) => s.rows);
      if (rows.length > L.listRowsTotal) {
        ctx.addIssue({
          code: 'custom',
          path: ['sections'],
          message: `a list allows at most ${L.listRowsTotal} rows in total`,
        });
      }
      const dup = firstDuplicate(rows.map((r) => r.id));
      if (dup !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['sections'], message: `list row id "${dup}" is used twice` });
      }
      if (action.sections.length > 1 && action.sections.some((s) => s.title === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sections'],
          message: 'every section needs a title when there are several',
        });
      }
    }),
});

const CtaUrlInteractiveSchema = z.object({
  type: z.literal('cta_url'),
  header: MediaOrTextHeaderSchema.optional(),
  body: body(L.interactiveBody),
  footer: FooterSchema.optional(),
  action: z.object({
    name: z.literal('cta_url'),
    parameters: z.object({
      display_text: limitedText('cta_url display_text', L.ctaDisplayText),
      url: httpUrl('cta_url url'),
    }),
  }),
});

const ProductInteractiveSchema = z.object({
  type: z.literal('product'),
  body: body(L.interactiveBody).optional(),
  footer: FooterSchema.optional(),
  action: z.object({
    catalog_id: idString('interactive.action.catalog_id'),
    product_retailer_id: idString('interactive.action.product_retailer_id'),
  }),
});

const ProductListInteractiveSchema = z.object({
  type: z.literal('product_list'),
  header: TextOnlyHeaderSchema,
  body: body(L.interactiveBody),
  footer: FooterSchema.optional(),
  action: z
    .object({
      catalog_id: idString('interactive.action.catalog_id'),
      sections: z
        .array(
          z.object({
            title: limitedText('product section title', L.productSectionTitle).optional(),
            product_items: z
              .array(z.object({ product_retailer_id: idString('product_retailer_id') }))
              .min(1, 'a product section needs at least 1 item'),
          }),
        )
        .min(1, 'interactive.action.sections needs at least 1 section')
        .max(L.productListSections, `a product list allows at most ${L.productListSections} sections`),
    })
    .superRefine((action, ctx) => {
      const items = action.sections.reduce((n, s) => n + s.product_items.length, 0);
      if (items > L.productListItems) {
        ctx.addIssue({
          code: 'custom',
          path: ['sections'],
          message: `a product list allows at most ${L.productListItems} products in total`,
        });
      }
      if (action.sections.length > 1 && action.sections.some((s) => s.title === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sections'],
          message: 'every section needs a title when there are several',
        });
      }
    }),
});

const CatalogInteractiveSchema = z.object({
  type: z.literal('catalog_message'),
  body: body(L.interactiveBody),
  footer: FooterSchema.optional(),
  action: z.object({
    name: z.literal('catalog_message'),
    parameters: z.object({ thumbnail_product_retailer_id: z.string().min(1).optional() }).optional(),
  }),
});

const FlowInteractiveSchema = z.object({
  type: z.literal('flow'),
  header: MediaOrTextHeaderSchema.optional(),
  body: body(L.interactiveBody),
  footer: FooterSchema.optional(),
  action: z.object({ name: z.literal('flow'), parameters: FlowParametersSchema }),
});

const LocationRequestInteractiveSchema = z.object({
  type: z.literal('location_request_message'),
  body: body(L.interactiveBody),
  action: z.object({ name: z.literal('send_location') }),
});

/**
 * The `interactive` object (§1.8), a union on its own `type` (case-insensitive on input, lower-case on
 * output): button, list, cta_url, product, product_list, catalog_message, flow, location_request_message.
 * Payments (`order_details`, `order_status`), address and carousel messages are not supported yet.
 */
export const InteractiveObjectSchema = z.preprocess(
  lowerCaseType,
  z.discriminatedUnion('type', [
    ButtonInteractiveSchema,
    ListInteractiveSchema,
    CtaUrlInteractiveSchema,
    ProductInteractiveSchema,
    ProductListInteractiveSchema,
    CatalogInteractiveSchema,
    FlowInteractiveSchema,
    LocationRequestInteractiveSchema,
  ]),
);

/** `type: "interactive"`. */
export const InteractiveContentSchema = z.object({
  type: z.literal('interactive'),
  interactive: InteractiveObjectSchema,
});
