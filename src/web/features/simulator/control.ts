/**
 * The simulator's control API as the phone page uses it (`/simulator/control`): the business numbers, a
 * conversation's messages, sending as the customer, reading business messages, and the live stream.
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

const BASE = '/simulator/control';

async function call<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(BASE + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
  stream: (phoneNumberId: string, customer: string) =>
    new EventSource(
      `${BASE}/stream?phoneNumberId=${encodeURIComponent(phoneNumberId)}&customer=${encodeURIComponent(customer)}`,
    ),
};

/** A plausible Japanese mobile number for a new demo customer (81 90 xxxx xxxx). */
export function randomCustomerNumber(): string {
  return `8190${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}
