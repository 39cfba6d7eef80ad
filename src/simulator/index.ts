/**
 * The built-in WhatsApp Cloud API simulator: default channel on a fresh install, backbone of the test suite,
 * load generator for benchmarks. See docs/simulator.md.
 */
export { Simulator } from './simulator.ts';
export type { ConversationMessage } from './simulator.ts';
export type { SimulatorOptions } from './core.ts';
export { registerSimulatorRoutes } from './routes.ts';
export type { SimulatorRouteOptions } from './routes.ts';
export { startStandaloneSimulator } from './standalone.ts';
export type { StandaloneOptions, StandaloneSimulator } from './standalone.ts';
export type { BusinessNumber, NumberRegistration } from './state.ts';
export type { SentRecord, SentQuery, Violation, ViolationKind, OutboundStatus } from './sent-log.ts';
export type { Faults, FaultsInput } from './faults.ts';
export type { StatusDelays } from './statuses.ts';
export { DEFAULT_STATUS_DELAYS } from './statuses.ts';
export type { PairRateConfig } from './rate-limit.rules.ts';
export type { SimulatorLogger, WebhookRetryConfig, WebhookLogEntry, WebhookStats } from './webhooks.ts';
export { signBody } from './webhooks.ts';
export type { TemplateDef, TemplateStatus } from './templates.schemas.ts';
export type { InboundInput, CustomerInput, OptOutInput } from './control.schemas.ts';
export { ControlError } from './inbound.ts';
export {
  newControlToken,
  controlTokenMatches,
  loopbackWebhookUrl,
  sameOriginWebhookUrl,
} from './control-access.ts';
