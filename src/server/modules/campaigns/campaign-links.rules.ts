/**
 * Click tracking (pure): which destinations of a campaign template get a per-recipient short link, what the
 * public redirect looks like, whether a request to it counts as a click, and whether a template's URL buttons
 * point at the redirect. Codes themselves are random (campaign-links.service.ts); nothing here does I/O.
 */
import type { CampaignTemplate } from '../../../contracts/campaign.schemas.ts';

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
    ...t.buttons.map((b) => b.url),
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

/**
 * Why the template's buttons do not fit the campaign's tracked buttons, or null when they do: each tracked button
 * must be a URL button of the cached template whose URL is `<origin>/r/{{1}}` (the recipient's code is its
 * suffix), and every URL button with a variable suffix must be tracked (WhatsApp refuses a send without its
 * parameter).
 */
export function trackedButtonsMismatch(
  tracked: CampaignTemplate['buttons'],
  components: unknown,
  origin: string,
): string | null {
  const list = Array.isArray(components) ? (components as { type?: unknown; buttons?: unknown }[]) : [];
  const buttons = list
    .filter((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'BUTTONS')
    .flatMap((c) => (Array.isArray(c.buttons) ? (c.buttons as { type?: unknown; url?: unknown }[]) : []));
  const expected = `${origin}${REDIRECT_PATH}{{1}}`;
  for (const t of tracked) {
    const b = buttons[t.index];
    if (!b || typeof b.type !== 'string' || b.type.toUpperCase() !== 'URL')
      return `the template has no URL button at index ${t.index}`;
    if (b.url !== expected)
      return `the URL button at index ${t.index} must have the URL ${expected} to be tracked (it has ${String(b.url)})`;
  }
  const trackedIndexes = new Set(tracked.map((t) => t.index));
  const untracked = buttons.findIndex(
    (b, i) =>
      typeof b.type === 'string' &&
      b.type.toUpperCase() === 'URL' &&
      typeof b.url === 'string' &&
      /\{\{\s*1\s*\}\}/.test(b.url) &&
      !trackedIndexes.has(i),
  );
  return untracked >= 0
    ? `the URL button at index ${untracked} has a variable suffix: give it a tracked destination (template.buttons)`
    : null;
}
