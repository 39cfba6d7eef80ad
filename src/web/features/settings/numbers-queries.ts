import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { keys } from '../../lib/queries.ts';
import type { PhoneNumber, TestMessageResult, WebhookSubscription, WhatsAppSetup } from '../../lib/types.ts';

/** What to paste into Meta's app settings (webhook URL, verify token); admins only. */
export function useWhatsAppSetup() {
  return useQuery({ queryKey: ['whatsapp-setup'], queryFn: () => api<WhatsAppSetup>('/whatsapp/setup') });
}

/** The fields of a number to register (the server checks the token and the WABA with the Cloud API). */
export interface NumberRegistration {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  label: string | null;
}

/** Registers a number; the list of numbers is refreshed. */
export function useRegisterNumber() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NumberRegistration) => api<PhoneNumber>('/phone-numbers', { body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.phoneNumbers }),
  });
}

/** Subscribes this app to the number's WABA webhooks. */
export function useSubscribeWebhooks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<WebhookSubscription>(`/phone-numbers/${id}/subscribe`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.phoneNumbers }),
  });
}

/** Sends Meta's `hello_world` template to `to` through the normal send path. */
export function useSendTestMessage() {
  return useMutation({
    mutationFn: (v: { id: string; to: string }) =>
      api<TestMessageResult>(`/phone-numbers/${v.id}/test-message`, { body: { to: v.to } }),
  });
}

/** The status of a sent message (the test message's ticks). */
export function useMessageStatus(id: string | null) {
  return useQuery({
    queryKey: ['message-status', id],
    queryFn: () => api<{ status: string }>(`/messages/${id}`).then((m) => m.status),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data === 'read' || q.state.data === 'failed' ? false : 1500),
  });
}

/** Reads quality, tier and throughput from the Cloud API and stores them. */
export function useRefreshHealth() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<PhoneNumber>(`/phone-numbers/${id}/health`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.phoneNumbers }),
  });
}
