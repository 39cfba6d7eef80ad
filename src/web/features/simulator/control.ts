import type { SimulatorAccess } from '../../../contracts/api.schemas.ts';
import { api, ApiError } from '../../lib/api.ts';

/**
 * The simulator's control API as the phone page uses it (`/simulator/control`): the business numbers, a
 * conversation's messages, sending as the customer, reading business messages, and the live stream. Every call
 * carries the control token, which the page gets from `GET /api/v1/simulator/access` with the console session
 * (so only users signed in to the console can play customers).
 */
export interface SimNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
}

/** One message as the simulator keeps it (inbound = the customer's, outbound = the business's). */
export interface SimMessage {
  direction: 'inbound' | 'outbound';
  wamid: string;
  at: string;
  type: string;
  message: Record<string, unknown>;
  status?: string;
  errors?: Array<{ code?: number; title?: string }>;
  readAt?: string;
}

export type SimEvent =
  | { kind: 'message'; phoneNumberId: string; customer: string; message: SimMessage }
  | { kind: 'status'; phoneNumberId: string; customer: string; wamid: string; status: string }
  | { kind: 'read'; phoneNumberId: string; customer: string; wamid: string; at: string }
  | { kind: 'typing'; phoneNumberId: string; customer: string; at: string };

/** Thrown when the page has no console session to get the control token with. */
export class SignInRequired extends Error {}

let access: Promise<SimulatorAccess> | null = null;
let known: SimulatorAccess | null = null;

/** The control URL and token, fetched once per page load with the console session. */
function getAccess(): Promise<SimulatorAccess> {
  access ??= api<SimulatorAccess>('/simulator/access').then(
    (a) => (known = a),
    (err: unknown) => {
      access = null;
      throw err instanceof ApiError && (err.status === 401 || err.status === 403)
        ? new SignInRequired(err.message)
        : err;
    },
  );
  return access;
}

async function call<T>(path: string, body?: unknown): Promise<T> {
  const { controlUrl, token } = await getAccess();
  const res = await fetch(controlUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return json;
}

export const control = {
  numbers: () => call<{ numbers: SimNumber[] }>('/numbers').then((r) => r.numbers),
  conversation: (phoneNumberId: string, customer: string) =>
    call<{ messages: SimMessage[] }>(
      `/conversations?phoneNumberId=${encodeURIComponent(phoneNumberId)}&customer=${encodeURIComponent(customer)}`,
    ).then((r) => r.messages),
  inbound: (body: Record<string, unknown>) => call<{ wamid: string }>('/inbound', body),
  read: (phoneNumberId: string, wamid: string) =>
    call('/read', { phoneNumberId, wamid }).catch(() => undefined),
  /** The live feed; call after {@link control.numbers} resolved (EventSource can't send headers: `?token=`). */
  stream: (phoneNumberId: string, customer: string) =>
    new EventSource(
      `${known?.controlUrl ?? '/simulator/control'}/stream?phoneNumberId=${encodeURIComponent(phoneNumberId)}&customer=${encodeURIComponent(customer)}&token=${encodeURIComponent(known?.token ?? '')}`,
    ),
};

/** A plausible Japanese mobile number for a new demo customer (81 90 xxxx xxxx). */
export function randomCustomerNumber(): string {
  return `8190${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}
