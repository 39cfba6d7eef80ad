import { z } from 'zod';
import {
  SEND_LIMITS,
  coordinate,
  httpUrl,
  idString,
  limitedText,
  lowerCaseType,
  requiredText,
} from './send-common.schemas.ts';

const parameterName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'parameter_name must be lower_snake_case (named template parameters)')
  .optional();

/** Media in a template header: exactly one of `id` or `link`; documents may add `filename`. */
function templateMedia(kind: 'image' | 'video' | 'document') {
  return z
    .object({
      id: idString(`header ${kind}.id`).optional(),
      link: httpUrl(`header ${kind}.link`).optional(),
      ...(kind === 'document' ? { filename: requiredText('header document.filename').optional() } : {}),
    })
    .refine((m) => (m.id === undefined) !== (m.link === undefined), {
      message: `header ${kind} needs exactly one of id or link`,
    });
}

function textParam(label: string, max: number) {
  return z.object({ type: z.literal('text'), text: limitedText(label, max), parameter_name: parameterName });
}

const CurrencyParamSchema = z.object({
  type: z.literal('currency'),
  currency: z.looseObject({
    fallback_value: requiredText('currency.fallback_value'),
    code: z.string().regex(/^[A-Z]{3}$/, 'currency.code must be an ISO 4217 code such as USD'),
    amount_1000: z.number({ error: 'currency.amount_1000 must be an integer (amount × 1000)' }).int(),
  }),
  parameter_name: parameterName,
});

/** Cloud API always renders `fallback_value`; the calendar fields are accepted and forwarded untouched. */
const DateTimeParamSchema = z.object({
  type: z.literal('date_time'),
  date_time: z.looseObject({ fallback_value: requiredText('date_time.fallback_value') }),
  parameter_name: parameterName,
});

const HeaderParamSchema = z.discriminatedUnion('type', [
  textParam('template header text parameter', SEND_LIMITS.templateHeaderParam),
  z.object({ type: z.literal('image'), image: templateMedia('image') }),
  z.object({ type: z.literal('video'), video: templateMedia('video') }),
  z.object({ type: z.literal('document'), document: templateMedia('document') }),
  z.object({
    type: z.literal('location'),
    location: z.object({
      latitude: coordinate('header location.latitude', 90),
      longitude: coordinate('header location.longitude', 180),
      name: z.string().optional(),
      address: z.string().optional(),
    }),
  }),
  CurrencyParamSchema,
  DateTimeParamSchema,
]);

const BodyParamSchema = z.discriminatedUnion('type', [
  textParam('template body text parameter', SEND_LIMITS.templateBodyParamBodyOnly),
  CurrencyParamSchema,
  DateTimeParamSchema,
]);

const ButtonParamSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('payload'), payload: requiredText('button payload') }),
  z.object({ type: z.literal('text'), text: requiredText('button text parameter') }),
  z.object({
    type: z.literal('coupon_code'),
    coupon_code: limitedText('button coupon_code', SEND_LIMITS.templateCouponCode),
  }),
  z.object({ type: z.literal('action'), action: z.looseObject({}) }),
]);

const BUTTON_SUB_TYPES = [
  'quick_reply',
  'url',
  'copy_code',
  'flow',
  'catalog',
  'mpm',
  'spm',
  'voice_call',
] as const;

/** Which parameter types each button sub_type takes (§1.7). */
const BUTTON_PARAM_TYPES: Record<(typeof BUTTON_SUB_TYPES)[number], readonly string[]> = {
  quick_reply: ['payload', 'text'],
  url: ['text'],
  copy_code: ['coupon_code'],
  flow: ['action'],
  catalog: ['action'],
  mpm: ['action'],
  spm: ['action'],
  voice_call: ['payload', 'text', 'action'],
};

const lowerCaseString = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

const ButtonComponentSchema = z
  .object({
    type: z.literal('button'),
    sub_type: z.preprocess(
      lowerCaseString,
      z.enum(BUTTON_SUB_TYPES, { error: `button sub_type must be one of ${BUTTON_SUB_TYPES.join(', ')}` }),
    ),
    index: z.union([z.number().int().min(0).max(9), z.string().regex(/^\d$/)], {
      error: 'button index must be the 0-based button position (0–9, number or digit string)',
    }),
    parameters: z.array(ButtonParamSchema).min(1, 'button parameters must not be empty'),
  })
  .superRefine((button, ctx) => {
    const allowed = BUTTON_PARAM_TYPES[button.sub_type];
    button.parameters.forEach((p, i) => {
      if (!allowed.includes(p.type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', i, 'type'],
          message: `button sub_type ${button.sub_type} takes ${allowed.join(' or ')} parameters, not ${p.type}`,
        });
      }
    });
  });

/** One entry of `template.components`: header, body or button (case-insensitive `type`). */
export const TemplateComponentSchema = z.preprocess(
  lowerCaseType,
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('header'),
      parameters: z.array(HeaderParamSchema).length(1, 'a template header takes exactly one parameter'),
    }),
    z.object({
      type: z.literal('body'),
      parameters: z.array(BodyParamSchema).min(1, 'template body parameters must not be empty'),
    }),
    ButtonComponentSchema,
  ]),
);

type TemplateComponent = z.infer<typeof TemplateComponentSchema>;

/** Cross-component rules: one header/body, named xor positional, body parameter length, unique indexes. */
function checkComponents(components: TemplateComponent[], ctx: z.RefinementCtx): void {
  const issue = (message: string, path: (string | number)[] = []) =>
    ctx.addIssue({ code: 'custom', path: ['components', ...path], message });
  for (const kind of ['header', 'body'] as const) {
    if (components.filter((c) => c.type === kind).length > 1) issue(`template has more than one ${kind}`);
  }
  const vars = components.flatMap((c) => (c.type === 'button' ? [] : c.parameters));
  const named = vars.filter((p) => 'parameter_name' in p && p.parameter_name !== undefined).length;
  const positional = vars.filter((p) => p.type === 'text' || p.type === 'currency' || p.type === 'date_time');
  if (named > 0 && named < positional.length) {
    issue('template parameters must be all named (parameter_name) or all positional, not mixed');
  }
  const bodyOnly = components.length === 1;
  const max = bodyOnly ? SEND_LIMITS.templateBodyParamBodyOnly : SEND_LIMITS.templateBodyParam;
  components.forEach((c, ci) => {
    if (c.type !== 'body') return;
    c.parameters.forEach((p, pi) => {
      if (p.type === 'text' && p.text.length > max) {
        issue(`template body text parameter must be at most ${max} characters`, [
          ci,
          'parameters',
          pi,
          'text',
        ]);
      }
    });
  });
  const indexes = components.flatMap((c) => (c.type === 'button' ? [String(c.index)] : []));
  const dup = indexes.find((x, i) => indexes.indexOf(x) !== i);
  if (dup !== undefined) issue(`template button index ${dup} is used twice`);
}

/** The `template` object of a template send (§1.7). `components` only for templates with variables. */
export const TemplateObjectSchema = z
  .object({
    name: limitedText('template.name', SEND_LIMITS.templateName).regex(
      /^[a-z0-9_]+$/,
      'template.name must contain only lowercase letters, digits and _',
    ),
    language: z.object({
      code: z
        .string({ error: 'template.language.code is required' })
        .regex(
          /^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/,
          'template.language.code must be a locale such as en_US',
        ),
      policy: z.literal('deterministic').optional(),
    }),
    components: z.array(TemplateComponentSchema).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.components) checkComponents(t.components, ctx);
  });

/** `type: "template"`. */
export const TemplateContentSchema = z.object({
  type: z.literal('template'),
  template: TemplateObjectSchema,
});
