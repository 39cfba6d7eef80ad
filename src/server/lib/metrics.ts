import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (prom-client). One registry per process (per app instance in tests). Gauges that need the
 * database (queue depth per number, ingest lag) are filled by a collector registered by the composition root.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'tsunagi_process_' });
  const metrics = {
    registry,
    webhookEvents: new Counter({
      name: 'tsunagi_webhook_events_total',
      help: 'Webhook POSTs received, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    webhookEventsProcessed: new Counter({
      name: 'tsunagi_webhook_events_processed_total',
      help: 'Journaled webhook bodies processed',
      registers: [registry],
    }),
    inboundMessages: new Counter({
      name: 'tsunagi_inbound_messages_total',
      help: 'New inbound customer messages stored (duplicates excluded)',
      registers: [registry],
    }),
    statusesApplied: new Counter({
      name: 'tsunagi_statuses_applied_total',
      help: 'Status webhooks that moved a message',
      registers: [registry],
    }),
    outboundMessages: new Counter({
      name: 'tsunagi_outbound_messages_total',
      help: 'Outbound send attempts by resulting status',
      labelNames: ['status'],
      registers: [registry],
    }),
    possibleDuplicates: new Counter({
      name: 'tsunagi_outbound_possible_duplicates_total',
      help: 'Sends retried after an unknown outcome with no status webhook within the reconciliation timeout (each may be a duplicate)',
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'tsunagi_outbound_reconciled_total',
      help: 'Sends with an unknown outcome resolved from status webhooks (not resent)',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'tsunagi_dead_letters_total',
      help: 'Items dead-lettered, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    webhookAck: new Histogram({
      name: 'tsunagi_webhook_ack_seconds',
      help: 'Time from webhook request to 200 (journal commit included)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    dispatchQueueDepth: new Gauge({
      name: 'tsunagi_dispatch_queue_depth',
      help: 'Outbound messages waiting to be sent, per phone number',
      labelNames: ['phone_number_id'],
      registers: [registry],
    }),
    ingestLag: new Gauge({
      name: 'tsunagi_ingest_lag_seconds',
      help: 'Age of the oldest unprocessed webhook body',
      registers: [registry],
    }),
    ingestBacklog: new Gauge({
      name: 'tsunagi_ingest_backlog',
      help: 'Unprocessed webhook bodies in the journal',
      registers: [registry],
    }),
    jobsPending: new Gauge({
      name: 'tsunagi_jobs_pending',
      help: 'Background jobs waiting or running',
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
