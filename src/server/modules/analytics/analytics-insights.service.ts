/**
 * What campaigns earn, what customers ask and who they are (docs/metrics.md § Campaigns, § Topics, § Audience):
 * the range is resolved like every analytics figure (local days of the workspace's zone), the facts are read from
 * their owners (the campaigns module's results, automation's unmatched questions, the rollups and contacts), and
 * the pure rules derive rates, terms and tiers.
 */
import type {
  AudienceAnalytics,
  AnalyticsQuery,
  CampaignsAnalytics,
  TopicsAnalytics,
} from '../../../contracts/analytics.schemas.ts';
import { LRUCache } from 'lru-cache';
import { mapInSlices } from '../../lib/loop.ts';
import { unmatchedQuestions } from '../automation/automation-insight.service.ts';
import { loadJapaneseAnalyzer } from '../automation/japanese-analyzer.service.ts';
import { hasJapanese } from '../automation/text-fold.rules.ts';
import { campaignResultsInWindow } from '../campaigns/campaign-results.service.ts';
import {
  inboundCount,
  latestInboundTexts,
  marketingOptOuts,
  sentAndFailedWith,
  topTags,
  unreachableContactCount,
} from './analytics-insights.repository.ts';
import type { RollupScope } from './analytics-query.repository.ts';
import {
  previousOf,
  resolvePeriod,
  type AnalyticsQueryDeps,
  type Period,
} from './analytics-query.service.ts';
import { rangeBounds } from './analytics-time.rules.ts';
import { tiersAt, tiersNow } from './analytics-tiers.service.ts';
import { optOutRate, TIERS, UNREACHABLE_CODE, unreachableRate } from './audience.rules.ts';
import { addFunnels, combineVariants, funnelRates, variantLift } from './campaign-earnings.rules.ts';
import { countTerms, risingTerms, termsOf, topTerms, type Term } from './topics.rules.ts';

function rollupScope(workspaceId: string, p: Period, q: AnalyticsQuery): RollupScope {
  return { workspaceId, from: p.from, to: p.to, phoneNumberId: q.phoneNumberId };
}

function instants(workspaceId: string, p: Period, q: AnalyticsQuery) {
  const b = rangeBounds(p.from, p.to, p.timeZone);
  return { workspaceId, start: b.start, end: b.end, phoneNumberId: q.phoneNumberId };
}

async function campaignsPeriod(deps: AnalyticsQueryDeps, workspaceId: string, p: Period, q: AnalyticsQuery) {
  const results = await campaignResultsInWindow(deps, instants(workspaceId, p, q));
  const campaigns = results.map((c) => {
    const variants = c.variants.map((v) => ({ ...v, rates: funnelRates(v.funnel) }));
    const a = variants.find((v) => v.variant === 'a');
    const b = variants.find((v) => v.variant === 'b');
    return {
      campaignId: c.campaignId,
      name: c.name,
      status: c.status,
      ...combineVariants(c.variants),
      variants,
      variantLift: a && b ? variantLift(a.rates, b.rates) : null,
    };
  });
  campaigns.sort((x, y) => y.funnel.sent - x.funnel.sent || (x.name < y.name ? -1 : 1));
  return { range: p, totals: addFunnels(campaigns.map((c) => c.funnel)), campaigns };
}

/** `GET /analytics/campaigns`: per campaign released in the range, its funnel, revenue, cost, CPA and A/B split. */
export async function campaignsAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<CampaignsAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const [current, previous] = await Promise.all([
    campaignsPeriod(deps, workspaceId, p, q),
    q.compare ? campaignsPeriod(deps, workspaceId, previousOf(p), q) : null,
  ]);
  return { ...current, previous };
}

/** At most this many of the latest customer texts of a period are analysed (docs/metrics.md § Topics). */
export const TOPIC_SAMPLE_LIMIT = 1000;
const TOP_WORDS = 30;
const TOP_PHRASES = 20;
const TOP_RISING = 20;
const UNMATCHED_LIMIT = 20;
/** Texts analysed between two yields to the event loop (an analysis takes ~0.1–0.5 ms a text). */
const ANALYSIS_SLICE = 200;

/**
 * Terms of recently analysed messages, by message id (a message's text never changes): the dashboard asks for the
 * same latest messages again and again, and the analysis (~0.1–0.5 ms a text) is most of what a request costs.
 * Bounded (lru-cache, as the phrase readings of search keys: the least recently used entry goes first).
 */
const TERM_CACHE_SIZE = 20_000;
const termCache = new LRUCache<string, Term[]>({ max: TERM_CACHE_SIZE });

async function termsOfTexts(messages: ReadonlyArray<{ id: string; text: string }>): Promise<Term[][]> {
  const missing = messages.filter((m) => !termCache.has(m.id));
  const analyzer = missing.some((m) => hasJapanese(m.text)) ? await loadJapaneseAnalyzer() : null;
  const analysed = await mapInSlices(missing, ANALYSIS_SLICE, (m) => termsOf(analyzer, m.text));
  missing.forEach((m, i) => termCache.set(m.id, analysed[i] as Term[]));
  return messages.map((m) => termCache.get(m.id) ?? []);
}

async function topicSample(deps: AnalyticsQueryDeps, workspaceId: string, p: Period, q: AnalyticsQuery) {
  const [messages, inbound] = await Promise.all([
    latestInboundTexts(deps.db, instants(workspaceId, p, q), TOPIC_SAMPLE_LIMIT),
    inboundCount(deps.db, rollupScope(workspaceId, p, q)),
  ]);
  return { range: p, sampled: messages.length, inbound, counts: countTerms(await termsOfTexts(messages)) };
}

/**
 * `GET /analytics/topics`: the frequent words and phrases of the latest customer texts of the range, the words
 * rising against the previous period of the same length, and automation's unmatched questions of the range.
 */
export async function topicsAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<TopicsAnalytics> {
  const p = await resolvePeriod(deps, workspaceId, q);
  const prev = previousOf(p);
  const b = rangeBounds(p.from, p.to, p.timeZone);
  // The previous period is always read: rising topics need it.
  const [current, previous, unmatched] = await Promise.all([
    topicSample(deps, workspaceId, p, q),
    topicSample(deps, workspaceId, prev, q),
    unmatchedQuestions(deps.db, workspaceId, {
      from: b.start,
      to: b.end,
      limit: UNMATCHED_LIMIT,
      phoneNumberId: q.phoneNumberId,
    }),
  ]);
  return {
    range: p,
    sampleLimit: TOPIC_SAMPLE_LIMIT,
    sampled: current.sampled,
    inbound: current.inbound,
    words: topTerms(current.counts.words, current.sampled, TOP_WORDS),
    phrases: topTerms(current.counts.phrases, current.sampled, TOP_PHRASES, 2),
    rising: risingTerms(
      current.counts.words,
      current.sampled,
      previous.counts.words,
      previous.sampled,
      TOP_RISING,
    ),
    previous: q.compare ? { range: prev, sampled: previous.sampled, inbound: previous.inbound } : null,
    unmatched,
  };
}

async function audiencePeriod(deps: AnalyticsQueryDeps, workspaceId: string, p: Period, q: AnalyticsQuery) {
  const [optOuts, unreachable] = await Promise.all([
    marketingOptOuts(deps.db, instants(workspaceId, p, q)),
    sentAndFailedWith(deps.db, rollupScope(workspaceId, p, q), UNREACHABLE_CODE),
  ]);
  return {
    range: p,
    optOut: {
      base: optOuts.base,
      optedOut: optOuts.opted_out,
      allOptOuts: optOuts.all_opt_outs,
      rate: optOutRate(optOuts.opted_out, optOuts.base),
    },
    unreachable: {
      sent: unreachable.sent,
      failed131026: unreachable.failed,
      rate: unreachableRate(unreachable.failed, unreachable.sent),
    },
  };
}

const TOP_TAGS = 20;

/**
 * `GET /analytics/audience`: contacts by activity tier and top tags now, tiers at the range's start and end (from
 * the message history), and the range's opt-out and unreachable-number rates.
 */
export async function audienceAnalytics(
  deps: AnalyticsQueryDeps,
  workspaceId: string,
  q: AnalyticsQuery,
): Promise<AudienceAnalytics> {
  const [p, present] = await Promise.all([resolvePeriod(deps, workspaceId, q), tiersNow(deps, workspaceId)]);
  // The present is the instant the tiers of now were counted at (at most two minutes ago).
  const now = present.at;
  const bounds = rangeBounds(p.from, p.to, p.timeZone);
  const startAt = bounds.start < now ? bounds.start : now;
  const endAt = bounds.end < now ? bounds.end : now;
  const [current, previous, atStart, atEnd, tags, unreachableContacts] = await Promise.all([
    audiencePeriod(deps, workspaceId, p, q),
    q.compare ? audiencePeriod(deps, workspaceId, previousOf(p), q) : null,
    startAt < now ? tiersAt(deps, workspaceId, startAt) : null,
    // A range that ends now (today's) ends with the tiers of now: the same figures, `tiers` below.
    endAt < now ? tiersAt(deps, workspaceId, endAt) : null,
    topTags(deps.db, workspaceId, TOP_TAGS),
    unreachableContactCount(deps.db, workspaceId),
  ]);
  const tiers = present.counts;
  return {
    ...current,
    asOf: now.toISOString(),
    contacts: tiers.contacts,
    tiers: TIERS.map((tier) => ({ tier, contacts: tiers[tier] })),
    tiersOverRange: {
      startAt: startAt.toISOString(),
      endAt: endAt.toISOString(),
      tiers: TIERS.map((tier) => ({
        tier,
        atStart: (atStart ?? tiers)[tier],
        atEnd: (atEnd ?? tiers)[tier],
      })),
    },
    tags,
    unreachableContacts,
    previous,
  };
}
