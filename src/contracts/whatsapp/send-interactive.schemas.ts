import { z } from 'zod';
import {
  COUNT_ISSUE,
  SEND_LIMITS,
  forbidden,
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

/** `interactive.body`: the message text, at most `max` characters (1024, or 4096 for lists). */
export function interactiveBody(max: number) {
  return z.object({ text: limitedText('interactive.body.text', max) });
}
/** `interactive.footer`: at most 60 characters. */
export const InteractiveFooterSchema = z.object({
  text: limitedText('interactive.footer.text', L.footerText),
});

function firstDuplicate(values: string[]): string | undefined {
  return values.find((v, i) => values.indexOf(v) !== i);
}

/** A counting or titling problem of a list's or product list's `action.sections` (Graph code 131009). */
function sectionsIssue(ctx: z.RefinementCtx, message: string): void {
  ctx.addIssue({ code: 'custom', path: ['sections'], message, params: COUNT_ISSUE });
}

/** Section titles are optional with one section and required with several. */
function checkSectionTitles(sections: { title?: string | undefined }[], ctx: z.RefinementCtx): void {
  if (sections.length > 1 && sections.some((s) => s.title === undefined)) {
    sectionsIssue(ctx, 'every section needs a title when there are several');
  }
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
  body: interactiveBody(L.interactiveBody),
  footer: InteractiveFooterSchema.optional(),
  action: z.object({
    buttons: z
      .array(ReplyButtonSchema)
      .min(L.replyButtonsMin, 'interactive.action.buttons needs at least 1 button')
      .max(L.replyButtonsMax, `interactive.action.buttons allows at most ${L.replyButtonsMax} buttons`)
      .refine((b) => !firstDuplicate(b.map((x) => x.reply.id)), {
        message: 'button reply ids must be unique',
        params: COUNT_ISSUE,
      })
      .refine((b) => !firstDuplicate(b.map((x) => x.reply.title)), {
        message: 'button reply titles must be unique',
        params: COUNT_ISSUE,
      }),
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
  body: interactiveBody(L.listBody),
  footer: InteractiveFooterSchema.optional(),
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
        sectionsIssue(ctx, `a list allows at most ${L.listRowsTotal} rows in total`);
      }
      const dup = firstDuplicate(rows.map((r) => r.id));
      if (dup !== undefined) sectionsIssue(ctx, `list row id "${dup}" is used twice`);
      checkSectionTitles(action.sections, ctx);
    }),
});

const CtaUrlInteractiveSchema = z.object({
  type: z.literal('cta_url'),
  header: MediaOrTextHeaderSchema.optional(),
  body: interactiveBody(L.interactiveBody),
  footer: InteractiveFooterSchema.optional(),
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
  header: forbidden('interactive.header is not allowed on product messages'),
  body: interactiveBody(L.interactiveBody).optional(),
  footer: InteractiveFooterSchema.optional(),
  action: z.object({
    catalog_id: idString('interactive.action.catalog_id'),
    product_retailer_id: idString('interactive.action.product_retailer_id'),
  }),
});

const ProductListInteractiveSchema = z.object({
  type: z.literal('product_list'),
  header: TextOnlyHeaderSchema,
  body: interactiveBody(L.interactiveBody),
  footer: InteractiveFooterSchema.optional(),
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
        sectionsIssue(ctx, `a product list allows at most ${L.productListItems} products in total`);
      }
      checkSectionTitles(action.sections, ctx);
    }),
});

const CatalogInteractiveSchema = z.object({
  type: z.literal('catalog_message'),
  body: interactiveBody(L.interactiveBody),
  footer: InteractiveFooterSchema.optional(),
  action: z.object({
    name: z.literal('catalog_message'),
    parameters: z.object({ thumbnail_product_retailer_id: z.string().min(1).optional() }).optional(),
  }),
});

const FlowInteractiveSchema = z.object({
  type: z.literal('flow'),
  header: MediaOrTextHeaderSchema.optional(),
  body: interactiveBody(L.interactiveBody),
  footer: InteractiveFooterSchema.optional(),
  action: z.object({ name: z.literal('flow'), parameters: FlowParametersSchema }),
});

const LocationRequestInteractiveSchema = z.object({
  type: z.literal('location_request_message'),
  body: interactiveBody(L.interactiveBody),
  action: z.object({ name: z.literal('send_location') }),
});

/** One schema per interactive `type` Tsunagi sends (the simulator adds the types Tsunagi doesn't send). */
export const INTERACTIVE_VARIANTS = [
  ButtonInteractiveSchema,
  ListInteractiveSchema,
  CtaUrlInteractiveSchema,
  ProductInteractiveSchema,
  ProductListInteractiveSchema,
  CatalogInteractiveSchema,
  FlowInteractiveSchema,
  LocationRequestInteractiveSchema,
] as const;

/**
 * The `interactive` object (§1.8), a union on its own `type` (case-insensitive on input, lower-case on
 * output): button, list, cta_url, product, product_list, catalog_message, flow, location_request_message.
 * Payments (`order_details`, `order_status`), address and carousel messages are not supported yet.
 */
export const InteractiveObjectSchema = z.preprocess(
  lowerCaseType,
  z.discriminatedUnion('type', INTERACTIVE_VARIANTS),
);

/** `type: "interactive"`. */
export const InteractiveContentSchema = z.object({
  type: z.literal('interactive'),
  interactive: InteractiveObjectSchema,
});
