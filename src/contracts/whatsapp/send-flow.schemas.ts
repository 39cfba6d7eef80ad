import { z } from 'zod';
import { COUNT_ISSUE, SEND_LIMITS, idString, limitedText, requiredText } from './send-common.schemas.ts';

/**
 * `action.parameters` of an interactive Flow message (reference §1.8): version "3", exactly one of
 * `flow_id`/`flow_name`, a CTA of at most 30 characters without emoji, and `flow_action_payload` only for
 * `navigate` (the default action), with non-empty `data` when given.
 */
export const FlowParametersSchema = z
  .object({
    flow_message_version: z.literal('3', { error: 'flow_message_version must be "3"' }),
    flow_id: idString('flow_id').optional(),
    flow_name: idString('flow_name').optional(),
    flow_cta: limitedText('flow_cta', SEND_LIMITS.flowCta).refine(
      (s) => !/\p{Extended_Pictographic}/u.test(s),
      'flow_cta must not contain emoji',
    ),
    flow_token: requiredText('flow_token').optional(),
    mode: z.enum(['draft', 'published']).optional(),
    flow_action: z.enum(['navigate', 'data_exchange']).optional(),
    flow_action_payload: z
      .object({
        screen: requiredText('flow_action_payload.screen'),
        data: z
          .record(z.string(), z.unknown())
          .refine((d) => Object.keys(d).length > 0, 'flow_action_payload.data must not be empty when given')
          .optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.flow_id === undefined) === (p.flow_name === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['flow_id'],
        message: 'a flow needs exactly one of flow_id or flow_name',
      });
    }
    if (p.flow_action_payload !== undefined && p.flow_action === 'data_exchange') {
      ctx.addIssue({
        code: 'custom',
        path: ['flow_action_payload'],
        message: 'flow_action_payload is only allowed with flow_action navigate',
        params: COUNT_ISSUE,
      });
    }
  });
