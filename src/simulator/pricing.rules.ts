/**
 * Pure policy arithmetic the simulator applies to each accepted send: the 24 h customer-service window
 * (reference §6.1) and per-message pricing (PMP, §3.6, §6.7). `now` is always an argument.
 */

/** Length of the customer-service window opened by each inbound message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** True when a window opened by the customer's last message at `lastInboundMs` is still open at `now`. */
export function isWindowOpen(lastInboundMs: number | undefined, now: number): boolean {
  return lastInboundMs !== undefined && now - lastInboundMs < SERVICE_WINDOW_MS;
}

/** Template categories as Meta names them. */
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** The `pricing` object of a status webhook. */
export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service';
  category: 'marketing' | 'utility' | 'authentication' | 'service';
}

/**
 * PMP pricing of one message: free-form messages (only possible inside the window) are free service
 * messages; a utility template inside the window is free too; every other template is billed in its category.
 */
export function pricingFor(templateCategory: TemplateCategory | undefined, inWindow: boolean): Pricing {
  if (templateCategory === undefined) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  }
  const category = templateCategory.toLowerCase() as Pricing['category'];
  if (templateCategory === 'UTILITY' && inWindow) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category };
  }
  return { billable: true, pricing_model: 'PMP', type: 'regular', category };
}

/** Graph versions from v24.0 omit `conversation` from status webhooks (§3.6). Unparsable → newest behaviour. */
export function includesConversation(version: string): boolean {
  const m = /^v(\d+)/.exec(version);
  return m !== null && Number(m[1]) < 24;
}
