import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReminderDto } from '../../../contracts/reminders.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { api, qs } from '../../lib/api.ts';
import type { ReminderInput, ReminderUpdate } from './reminder-form.ts';

/*
 * Every request of the Reminders page (`/api/v1/reminders`, docs/api.md "Lifecycle reminders"), with the approved
 * templates of a sending number the form offers.
 */

const keys = {
  list: ['reminders'] as const,
  templates: (phoneNumberId: string) => ['templates', 'approved', phoneNumberId] as const,
};

/** The workspace's reminders, oldest first. Runs move their counts every 5 minutes: the list follows them. */
export function useReminders() {
  return useQuery({
    queryKey: keys.list,
    queryFn: () => api<{ data: ReminderDto[] }>('/reminders').then((r) => r.data),
    refetchInterval: 60_000,
  });
}

/** Creates a reminder, or changes reminder `id`. */
export function useSaveReminder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: null; input: ReminderInput } | { id: string; input: ReminderUpdate }) =>
      v.id === null
        ? api<ReminderDto>('/reminders', { body: v.input })
        : api<ReminderDto>(`/reminders/${v.id}`, { method: 'PATCH', body: v.input }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.list }),
  });
}

/** Turns a reminder on or off. */
export function useToggleReminder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; enabled: boolean }) =>
      api<ReminderDto>(`/reminders/${v.id}`, { method: 'PATCH', body: { enabled: v.enabled } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.list }),
  });
}

/** Deletes a reminder (messages it already queued stay). */
export function useDeleteReminder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/reminders/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.list }),
  });
}

/** The approved templates of the WhatsApp Business Account behind a number; idle until a number is chosen. */
export function useApprovedTemplatesOf(phoneNumberId: string) {
  return useQuery({
    queryKey: keys.templates(phoneNumberId),
    queryFn: () =>
      api<{ data: TemplateDto[] }>(`/templates${qs({ status: 'APPROVED', phoneNumberId })}`).then(
        (r) => r.data,
      ),
    enabled: phoneNumberId !== '',
    staleTime: 30_000,
  });
}
