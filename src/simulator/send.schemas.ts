import { z } from 'zod';
import { SEND_LIMITS, lowerCaseType } from '../contracts/whatsapp/send-common.schemas.ts';
import {
  INTERACTIVE_VARIANTS,
  InteractiveFooterSchema,
  interactiveBody,
} from '../contracts/whatsapp/send-interactive.schemas.ts';
import { SendEnvelopeSchema } from '../contracts/whatsapp/send.schemas.ts';

/**
 * Where the simulator reads a send body differently from Tsunagi's contracts
 * (`contracts/whatsapp/send*.schemas.ts`, which hold every field limit of reference §1.12). The simulator validates
 * with those schemas (`validate-send.ts`) except for these deliberate differences, all of them here:
 *
 * - **More lenient — interactive types Tsunagi doesn't send** (payments, address, carousel, calls): Meta accepts
 *   them, so the simulator does, with only the common checks (body, footer, an action object).
 * - **Template sends in Meta's order:** only the structure the definition check reads is checked up front; Meta
 *   answers an unknown name or language with 132001 and parameter mismatches with 132000/132012 before any field
 *   format, so the contracts' `TemplateObjectSchema` (name/locale format, parameter limits) runs after the check
 *   against the stored definition (`validate-template.ts`).
 * - **Stricter — individuals only:** groups and BSUID recipients are not simulated, so `recipient_type` must be
 *   `individual` and `to` a phone number (`normalizePhone`).
 */

/** The envelope of a send as the simulator takes it: the contracts' envelope, for individual recipients only. */
export const SimulatorEnvelopeSchema = SendEnvelopeSchema.extend({
  recipient_type: z.literal('individual').optional(),
});

/** Interactive types Meta accepts that Tsunagi does not send (reference §1.8, "out of scope for v1"). */
const UNSENT_INTERACTIVE_TYPES = [
  'order_details',
  'order_status',
  'address_message',
  'carousel',
  'voice_call',
  'call_permission_request',
] as const;

const UnsentInteractiveSchema = z.object({
  type: z.enum(UNSENT_INTERACTIVE_TYPES),
  body: interactiveBody(SEND_LIMITS.interactiveBody).optional(),
  footer: InteractiveFooterSchema.optional(),
  action: z.looseObject({}),
});

/** The `interactive` object: the contracts' variants plus the types Tsunagi doesn't send. */
export const SimulatorInteractiveSchema = z.preprocess(
  lowerCaseType,
  z.discriminatedUnion('type', [...INTERACTIVE_VARIANTS, UnsentInteractiveSchema]),
);

const TemplateParameterShape = z.looseObject({ type: z.string() });
const TemplateComponentShape = z.looseObject({
  type: z.string(),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(TemplateParameterShape).optional(),
});

/**
 * What the definition check reads of a `template` object: structure only, no limits or formats (those come
 * from the contracts' `TemplateObjectSchema` once the definition check has passed).
 */
export const TemplateShapeSchema = z.looseObject({
  name: z.string(),
  language: z.looseObject({ code: z.string() }),
  components: z.array(TemplateComponentShape).optional(),
});
export type TemplateSend = z.infer<typeof TemplateShapeSchema>;
export type TemplateSendComponent = z.infer<typeof TemplateComponentShape>;
export type TemplateSendParameter = z.infer<typeof TemplateParameterShape>;
