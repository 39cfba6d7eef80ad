import { z } from 'zod';
import type { SimulatorCore } from './core.ts';
import { GraphError } from './errors.ts';
import { authorizeNumber } from './graph-api.ts';

/** Meta's business profile verticals (reference: `whatsapp_business_profile`). */
const VERTICALS = [
  'UNDEFINED',
  'OTHER',
  'AUTO',
  'BEAUTY',
  'APPAREL',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GROCERY',
  'GOVT',
  'HOTEL',
  'HEALTH',
  'NONPROFIT',
  'PROF_SERVICES',
  'RETAIL',
  'TRAVEL',
  'RESTAURANT',
  'NOT_A_BIZ',
] as const;

const ProfileUpdateSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  about: z.string().min(1).max(139).optional(),
  address: z.string().max(256).optional(),
  description: z.string().max(512).optional(),
  email: z.string().max(128).optional(),
  websites: z.array(z.string().max(256)).max(2).optional(),
  vertical: z.enum(VERTICALS).optional(),
  profile_picture_handle: z.string().optional(),
});

type Profile = Omit<z.infer<typeof ProfileUpdateSchema>, 'messaging_product' | 'profile_picture_handle'>;

/** Business profiles by phone number id (kept in memory like the rest of the simulator's state). */
const profiles = new WeakMap<SimulatorCore, Map<string, Profile>>();

function profilesOf(core: SimulatorCore): Map<string, Profile> {
  let map = profiles.get(core);
  if (!map) profiles.set(core, (map = new Map()));
  return map;
}

/** `GET /{pnid}/whatsapp_business_profile?fields=…` → `{ data: [ { …fields, messaging_product } ] }`. */
export function getBusinessProfile(
  core: SimulatorCore,
  token: string | undefined,
  pnid: string,
  fields: string | undefined,
): { data: Array<Record<string, unknown>> } {
  const num = authorizeNumber(core, token, pnid, 'get');
  const profile: Record<string, unknown> = {
    about: 'Hello! 👋',
    vertical: 'UNDEFINED',
    ...profilesOf(core).get(num.phoneNumberId),
  };
  const wanted = fields?.split(',').map((f) => f.trim());
  const shown = wanted
    ? Object.fromEntries(Object.entries(profile).filter(([k]) => wanted.includes(k)))
    : profile;
  return { data: [{ ...shown, messaging_product: 'whatsapp' }] };
}

/** `POST /{pnid}/whatsapp_business_profile`: merges the given fields; limits answered with Graph error 100. */
export function updateBusinessProfile(
  core: SimulatorCore,
  token: string | undefined,
  pnid: string,
  body: unknown,
): { success: true } {
  const num = authorizeNumber(core, token, pnid, 'post');
  const parsed = ProfileUpdateSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GraphError(
      100,
      `Param ${issue?.path.map(String).join('.') ?? ''} is invalid: ${issue?.message ?? ''}`,
    );
  }
  const { messaging_product: _p, profile_picture_handle: _h, ...fields } = parsed.data;
  const map = profilesOf(core);
  map.set(num.phoneNumberId, { ...map.get(num.phoneNumberId), ...fields });
  return { success: true };
}
