/**
 * Click tracking (pure): which destinations of a campaign template get a per-recipient short link, what the
 * public redirect looks like, and whether a request to it counts as a click (whether a template's URL buttons
 * point at the redirect is campaign-template-check.rules.ts). Codes themselves are random
 * (campaign-links.service.ts); nothing here does I/O.
 */
import { trackedButtons, type CampaignTemplate } from '../../../contracts/campaign.schemas.ts';

/** Path prefix of the public redirect: `<public origin>/r/<code>`. */
export const REDIRECT_PATH = '/r/';

/** A code as handed out: base64url, 22 characters for 128 random bits (at least 96 bits are required). */
export const LINK_CODE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The public short link of a code. `origin` has no trailing slash (see http/links.ts). */
export function shortLink(origin: string, code: string): string {
  return `${origin}${REDIRECT_PATH}${code}`;
}

/** Every destination of a template that gets a short link per recipient: tracked buttons and link variables. */
export function trackedDestinations(t: CampaignTemplate): string[] {
  const urls = [
    ...trackedButtons(t).map((b) => b.url),
    ...t.variables.flatMap((v) => (v.source.kind === 'link' ? [v.source.url] : [])),
  ];
  return [...new Set(urls)];
}

/**
 * User agents of link-preview fetchers (WhatsApp draws a preview card by fetching the link itself; chat apps and
 * social networks do the same): such a fetch is not a person clicking. Matched case-insensitively anywhere in
 * the header.
 */
const PREVIEW_AGENTS = [
  'whatsapp',
  'facebookexternalhit',
  'facebot',
  'meta-externalagent',
  'twitterbot',
  'slackbot',
  'slack-imgproxy',
  'telegrambot',
  'discordbot',
  'linkedinbot',
  'skypeuripreview',
  'line-poker',
  'pinterest',
  'redditbot',
  'embedly',
  'iframely',
  'vkshare',
  'googlebot',
  'bingbot',
  'applebot',
  'bot/',
  'crawler',
  'spider',
];

/** Whether a user agent is a link-preview fetcher or robot (a missing user agent counts as one). */
export function isLinkPreview(userAgent: string | undefined): boolean {
  const ua = (userAgent ?? '').toLowerCase().trim();
  if (ua === '') return true;
  return PREVIEW_AGENTS.some((p) => ua.includes(p));
}

/** Whether a request to the redirect counts as a click: a GET by something that is not a preview fetcher. */
export function countsAsClick(method: string, userAgent: string | undefined): boolean {
  return method.toUpperCase() === 'GET' && !isLinkPreview(userAgent);
}
