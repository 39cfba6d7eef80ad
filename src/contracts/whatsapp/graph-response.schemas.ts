import { z } from 'zod';

/**
 * Success response of a message send (reference §1.11). HTTP 200 means accepted, not delivered.
 * `contacts[].wa_id` may differ from `input` (and is `""` for BSUID sends, which add `user_id`);
 * `messages[].message_status` only appears for paced templates (`accepted` / `held_for_quality_assessment`);
 * `group_id` only for group sends.
 */
export const SendMessageResponseSchema = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z
    .array(
      z.looseObject({
        input: z.string().optional(),
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
      }),
    )
    .optional(),
  messages: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        message_status: z.string().optional(),
        group_id: z.string().optional(),
      }),
    )
    .min(1),
});
/** A send success response. */
export type SendMessageResponse = z.infer<typeof SendMessageResponseSchema>;

/** `{"success": true}` — mark-read, typing indicator, media delete, register, profile updates. */
export const GraphSuccessResponseSchema = z.looseObject({ success: z.boolean() });

/** Response of `POST /{PNID}/media` (multipart upload). */
export const MediaUploadResponseSchema = z.looseObject({ id: z.string().min(1) });

/**
 * Response of `GET /{MEDIA_ID}` (§4.1): a lookaside `url` valid for 5 minutes that must be fetched with the
 * bearer token. `file_size` is bytes, sent as a number or a numeric string; `sha256` is hex or base64.
 */
export const MediaInfoResponseSchema = z.looseObject({
  messaging_product: z.string().optional(),
  url: z.string().min(1),
  mime_type: z.string().min(1),
  sha256: z.string(),
  file_size: z.union([z.number().nonnegative(), z.string().regex(/^\d+$/)]),
  id: z.string().min(1),
});
/** A media info response. */
export type MediaInfoResponse = z.infer<typeof MediaInfoResponseSchema>;

/** One template as listed by `GET /{WABA}/message_templates` (§5.1); components are kept loose. */
export const GraphTemplateSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  category: z.string().optional(),
  sub_category: z.string().optional(),
  language: z.string(),
  parameter_format: z.string().optional(),
  components: z.array(z.looseObject({ type: z.string() })).optional(),
  quality_score: z.looseObject({ score: z.string().optional() }).optional(),
  rejected_reason: z.string().optional(),
});
/** A listed template. */
export type GraphTemplate = z.infer<typeof GraphTemplateSchema>;

/** `POST /{WABA}/message_templates` (§5.1): the new template's id, its status (PENDING) and category. */
export const TemplateCreateResponseSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  category: z.string().optional(),
});

/** Graph cursor paging: there is a next page only when `next` is present. */
export const GraphPagingSchema = z.looseObject({
  cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
  next: z.string().optional(),
  previous: z.string().optional(),
});

/** One page of `GET /{WABA}/message_templates`. */
export const TemplatesPageResponseSchema = z.looseObject({
  data: z.array(GraphTemplateSchema),
  paging: GraphPagingSchema.optional(),
});

/** `GET /{PNID}?fields=…` (§7.1): the fields Tsunagi asks for on "test connection"; all optional. */
export const PhoneNumberResponseSchema = z.looseObject({
  id: z.string(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  quality_rating: z.string().optional(),
  status: z.string().optional(),
  name_status: z.string().optional(),
  code_verification_status: z.string().optional(),
  throughput: z.looseObject({ level: z.string().optional() }).optional(),
  /** The messaging limit tier (`TIER_1K`…), a string or an object carrying `current_limit`. */
  whatsapp_business_manager_messaging_limit: z
    .union([z.string(), z.looseObject({ current_limit: z.string().optional() })])
    .optional(),
});
/** A phone number info response. */
export type PhoneNumberResponse = z.infer<typeof PhoneNumberResponseSchema>;

/** `GET /{WABA}/phone_numbers` (§7.1): one page of the account's numbers. */
export const WabaPhoneNumbersPageResponseSchema = z.looseObject({
  data: z.array(PhoneNumberResponseSchema),
  paging: GraphPagingSchema.optional(),
});

/** `GET /{WABA}/subscribed_apps` (§3.8): the apps receiving the account's webhooks. */
export const SubscribedAppsResponseSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      whatsapp_business_api_data: z
        .looseObject({ id: z.string(), name: z.string().optional(), link: z.string().optional() })
        .optional(),
      override_callback_uri: z.string().optional(),
    }),
  ),
});
/** An app subscribed to a WABA's webhooks. */
export type SubscribedApp = z.infer<typeof SubscribedAppsResponseSchema>['data'][number];

/** `GET /{phone-number-id}/whatsapp_business_profile`: the profile customers see. */
export const BusinessProfileResponseSchema = z.object({
  data: z.array(
    z.looseObject({
      about: z.string().optional(),
      address: z.string().optional(),
      description: z.string().optional(),
      email: z.string().optional(),
      websites: z.array(z.string()).optional(),
      vertical: z.string().optional(),
      profile_picture_url: z.string().optional(),
    }),
  ),
});
export type BusinessProfileResponse = z.infer<typeof BusinessProfileResponseSchema>['data'][number];
