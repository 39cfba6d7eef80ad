import { z } from 'zod';

/**
 * Typed shapes of the per-type objects of inbound messages (reference §3.5). All loose: unknown keys are
 * kept, because Meta adds fields without notice. The webhook parser does not require these to match (a
 * message with an odd content object is still a message); they type what the simulator emits and what
 * ingest reads.
 */

/** `text`: `{ body }`. */
export const InboundTextSchema = z.looseObject({ body: z.string() });

/**
 * Media (`image`, `video`, `audio`, `document`, `sticker`): `id` to download (§4), `mime_type`, `sha256`
 * (base64), and depending on kind `caption`, `filename`, `voice`, `animated`; `url` since Nov 2025.
 */
export const InboundMediaSchema = z.looseObject({
  id: z.string(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  url: z.string().optional(),
});

/** `location`: numbers on receive; `name`/`address`/`url` only for a chosen place. */
export const InboundLocationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

/** `reaction`: an empty or missing `emoji` means the reaction was removed. */
export const InboundReactionSchema = z.looseObject({ message_id: z.string(), emoji: z.string().optional() });

/** `button`: tap on a template quick-reply button; `payload` is what the business set at send time. */
export const InboundButtonSchema = z.looseObject({ payload: z.string().optional(), text: z.string() });

/** `interactive`: `button_reply`, `list_reply`, `nfm_reply` (Flow completion; `response_json` is a string). */
export const InboundInteractiveSchema = z.looseObject({
  type: z.string(),
  button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
  list_reply: z
    .looseObject({ id: z.string(), title: z.string(), description: z.string().optional() })
    .optional(),
  nfm_reply: z
    .looseObject({ name: z.string().optional(), body: z.string().optional(), response_json: z.string() })
    .optional(),
});

/** `order`: a cart sent from a catalog. `item_price` is in the currency's major unit. */
export const InboundOrderSchema = z.looseObject({
  catalog_id: z.string(),
  text: z.string().optional(),
  product_items: z.array(
    z.looseObject({
      product_retailer_id: z.string(),
      quantity: z.number(),
      item_price: z.number(),
      currency: z.string(),
    }),
  ),
});

/** `system`: number change or identity change; arrives without `contacts`. */
export const InboundSystemSchema = z.looseObject({
  body: z.string().optional(),
  type: z.string().optional(),
  wa_id: z.string().optional(),
  customer: z.string().optional(),
});

/** `context`: reply (`from`, `id`), forwarded flags, or a product inquiry (`referred_product`). */
export const InboundContextSchema = z.looseObject({
  from: z.string().optional(),
  id: z.string().optional(),
  forwarded: z.boolean().optional(),
  frequently_forwarded: z.boolean().optional(),
  referred_product: z.looseObject({ catalog_id: z.string(), product_retailer_id: z.string() }).optional(),
});

/** `referral`: the Click-to-WhatsApp ad or post the user came from (first message only). */
export const InboundReferralSchema = z.looseObject({
  source_url: z.string().optional(),
  source_id: z.string().optional(),
  source_type: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  ctwa_clid: z.string().optional(),
});
