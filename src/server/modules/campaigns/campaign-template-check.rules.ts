/**
 * Whether a campaign's template document fits the approved template (pure): the body's variables, the header (media
 * of the right type, or a text header's variable) and the buttons that take a value per recipient (tracked URL
 * buttons, URL suffixes, quick-reply payloads). A mismatch here is a send WhatsApp would refuse every time (132000,
 * 132012), so launch and approval refuse it first (422). `components` is the cached template's, as the Graph API
 * lists them (`HEADER`, `BODY`, `BUTTONS`, any case).
 */
import {
  templateSources,
  type CampaignTemplate,
  type TemplateHeader,
} from '../../../contracts/campaign.schemas.ts';
import { REDIRECT_PATH } from './campaign-links.rules.ts';

/** The placeholders of a template text: how many positional (`{{1}}`…) and which named (`{{first_name}}`). */
export interface Placeholders {
  positional: number;
  named: string[];
}

/** Why a template does not fit its approved template, and where (a 422's details). */
export interface TemplateMismatch {
  /** `template_header_mismatch` for the header, `template_variables_mismatch` for the body and the buttons. */
  code: 'template_header_mismatch' | 'template_variables_mismatch';
  component: 'header' | 'body' | 'button';
  /** The button's 0-based position, for a button. */
  index?: number;
  message: string;
}

type Component = { type?: unknown; format?: unknown; text?: unknown; buttons?: unknown };
type Button = { type?: unknown; url?: unknown };

function componentsOf(components: unknown): Component[] {
  return Array.isArray(components) ? (components as Component[]) : [];
}

function componentOf(components: unknown, type: string): Component | undefined {
  return componentsOf(components).find((c) => typeof c.type === 'string' && c.type.toUpperCase() === type);
}

/** The placeholders of a text: `{{1}}`… count once each, named ones sorted. */
export function placeholdersIn(text: unknown): Placeholders {
  const names = [...(typeof text === 'string' ? text : '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map(
    (m) => m[1] as string,
  );
  const positional = new Set(names.filter((n) => /^\d+$/.test(n))).size;
  const named = [...new Set(names.filter((n) => !/^\d+$/.test(n)))].sort();
  return { positional, named };
}

/** The body placeholders of a cached template's components: `{{1}}`… (positional) or `{{name}}` (named). */
export function bodyPlaceholders(components: unknown): Placeholders {
  return placeholdersIn(componentOf(components, 'BODY')?.text);
}

/**
 * Why a campaign's variables do not fit its template's body (WhatsApp would refuse every send with 132000), or
 * null when they do: as many variables as positional placeholders, or exactly the named ones.
 */
export function variablesMismatch(
  variables: CampaignTemplate['variables'],
  placeholders: Placeholders,
): string | null {
  if (placeholders.named.length > 0) {
    const given = [...new Set(variables.map((v) => v.name ?? ''))].sort();
    return given.join(',') === placeholders.named.join(',') && given.length === variables.length
      ? null
      : `the template's body expects the named variables ${placeholders.named.join(', ')}`;
  }
  return variables.length === placeholders.positional
    ? null
    : `the template's body has ${placeholders.positional} variable(s), the campaign gives ${variables.length}`;
}

/** The header format of a cached template's components (`IMAGE`, `TEXT`…), or null without a header. */
export function headerFormat(components: unknown): string | null {
  const header = componentOf(components, 'HEADER');
  if (!header) return null;
  return typeof header.format === 'string' ? header.format.toUpperCase() : 'TEXT';
}

const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'];

/**
 * Why a campaign's header does not fit its template's header (WhatsApp would refuse every send with 132000 or
 * 132012), or null: an IMAGE, VIDEO or DOCUMENT header needs media of that type; a TEXT header with a variable
 * needs that variable (named like the placeholder for named templates, unnamed otherwise); other headers take none.
 */
export function headerMismatch(header: TemplateHeader | undefined, components: unknown): string | null {
  const format = headerFormat(components);
  if (format !== null && format !== 'TEXT' && !MEDIA_FORMATS.includes(format))
    return `the template's header is ${format}, which campaigns cannot fill`;
  if (format === 'TEXT') {
    const p = placeholdersIn(componentOf(components, 'HEADER')?.text);
    const name = p.named[0];
    if (p.positional + p.named.length === 0)
      return header ? `the template's TEXT header has no variable: template.header is not used` : null;
    if (header?.type !== 'text')
      return `the template's TEXT header has a variable: give template.header {type: "text", variable}`;
    if (name !== undefined && header.variable.name !== name)
      return `the template's TEXT header expects the named variable ${name}`;
    if (name === undefined && header.variable.name !== undefined)
      return `the template's TEXT header is positional ({{1}}): its variable takes no name`;
    return null;
  }
  if (format && !header) return `the template's header is ${format}: give template.header with its media`;
  if (!format && header) return `the template has no header: template.header is not used`;
  if (header && header.type.toUpperCase() !== format)
    return `the template's header is ${format}, the campaign gives a ${header.type}`;
  return null;
}

/** Whether a template button is a URL button with a variable suffix (`…/{{1}}`). */
function isDynamicUrl(b: Button | undefined): boolean {
  return (
    typeof b?.type === 'string' &&
    b.type.toUpperCase() === 'URL' &&
    typeof b.url === 'string' &&
    /\{\{\s*1\s*\}\}/.test(b.url)
  );
}

/**
 * Why the campaign's buttons do not fit the template's, with the button's index, or null when they do. A tracked
 * button (`url`) must be a URL button whose URL is `<origin>/r/{{1}}` (not checked without an `origin`); a
 * `suffix` fills a URL button with a variable suffix; a `payload` goes with a QUICK_REPLY button; and every URL
 * button with a variable suffix needs a value (WhatsApp refuses a send without its parameter). A quick reply
 * without a payload is fine.
 */
export function buttonsMismatch(
  given: CampaignTemplate['buttons'],
  components: unknown,
  origin: string | null,
): { index: number; message: string } | null {
  const buttons = componentsOf(components)
    .filter((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'BUTTONS')
    .flatMap((c) => (Array.isArray(c.buttons) ? (c.buttons as Button[]) : []));
  for (const g of given) {
    const b = buttons[g.index];
    const at = (message: string) => ({ index: g.index, message });
    if ('payload' in g) {
      if (typeof b?.type !== 'string' || b.type.toUpperCase() !== 'QUICK_REPLY')
        return at(`the template has no quick-reply button at index ${g.index} to carry a payload`);
      continue;
    }
    if (!isDynamicUrl(b)) return at(`the template has no URL button with a {{1}} suffix at index ${g.index}`);
    const expected = origin === null ? null : `${origin}${REDIRECT_PATH}{{1}}`;
    if ('url' in g && expected !== null && b?.url !== expected)
      return at(
        `the URL button at index ${g.index} must have the URL ${expected} to be tracked (it has ${String(b?.url)})`,
      );
  }
  const filled = new Set(given.map((g) => g.index));
  const missing = buttons.findIndex((b, i) => isDynamicUrl(b) && !filled.has(i));
  return missing >= 0
    ? {
        index: missing,
        message: `the URL button at index ${missing} has a variable suffix: give it a value (template.buttons: {index, suffix} or a tracked {index, url})`,
      }
    : null;
}

/**
 * The first way a campaign template does not fit the approved template's components (header, then body, then
 * buttons), or null. `origin` is the public origin tracked buttons must point at (null: not checked).
 */
export function templateMismatch(
  t: CampaignTemplate,
  components: unknown,
  origin: string | null,
): TemplateMismatch | null {
  const header = headerMismatch(t.header, components);
  if (header) return { code: 'template_header_mismatch', component: 'header', message: header };
  const body = variablesMismatch(t.variables, bodyPlaceholders(components));
  if (body) return { code: 'template_variables_mismatch', component: 'body', message: body };
  const button = buttonsMismatch(t.buttons, components, origin);
  if (button)
    return {
      code: 'template_variables_mismatch',
      component: 'button',
      index: button.index,
      message: button.message,
    };
  return null;
}

/** Why the campaign's values cannot be filled from CSV columns (its audience is not a CSV import), or null. */
export function csvVariablesMisplaced(doc: {
  audience: object;
  template: CampaignTemplate;
  variantB: { template: CampaignTemplate } | null;
}): string | null {
  if ('importId' in doc.audience) return null;
  const templates = [doc.template, ...(doc.variantB ? [doc.variantB.template] : [])];
  return templates.some((t) => templateSources(t).some((s) => s.kind === 'csv'))
    ? 'a variable reads a CSV column but the audience is not a CSV import ({ importId })'
    : null;
}
