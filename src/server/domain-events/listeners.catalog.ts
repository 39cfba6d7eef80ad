import { automationInboundListener } from '../modules/automation/automation.listeners.ts';
import { consentKeywordListener } from '../modules/consent/consent.listeners.ts';
import { analyticsListener } from '../modules/analytics/analytics.listeners.ts';
import { campaignReplyListener, campaignStatusListener } from '../modules/campaigns/campaigns.listeners.ts';
import { DomainEvents, type DomainEventListener } from './domain-events.service.ts';

/**
 * Every listener of domain events. A module adds its listener here (defined in its own `*.listeners.ts`, its job
 * in the job catalog, its handler registered with the job runner); no publisher changes.
 */
export const LISTENERS: readonly DomainEventListener[] = [
  automationInboundListener as DomainEventListener,
  consentKeywordListener as DomainEventListener,
  analyticsListener as DomainEventListener,
  campaignStatusListener as DomainEventListener,
  campaignReplyListener as DomainEventListener,
];

/** The domain events of this process, delivering to `LISTENERS`. */
export const domainEvents = new DomainEvents(LISTENERS);
