/**
 * The template message a recipient gets (pure): the campaign's template (or variant b) with each body variable
 * filled from the contact — a field, an attribute, a literal, the recipient's short link, or a column of the
 * recipient's row in the audience's CSV import — and the variable's
 * fallback when the contact has no value; tracked URL buttons get the recipient's link code as their suffix. Values are plain text (WhatsApp renders them; nothing is interpreted as markup here); newlines
 * and tabs are folded to spaces and runs of spaces shortened, as the Cloud API refuses them in parameters.
 */
import type { CampaignTemplate, TemplateHeader } from '../../../contracts/campaign.schemas.ts';
import { shortLink } from './campaign-links.rules.ts';

/** The contact fields a variable may read. */
export interface RecipientFields {
  name: string | null;
  profileName: string | null;
  phone: string | null;
  country: string | null;
  attributes: Record<string, unknown>;
  /** The recipient's row of the audience's CSV import (cells by header), when the audience is one. */
  csv?: Record<string, unknown> | null;
}

/** A recipient's link codes by destination URL, and the public origin of the redirect. */
export interface RecipientLinks {
  origin: string;
  codes: ReadonlyMap<string, string>;
}

const NO_LINKS: RecipientLinks = { origin: '', codes: new Map() };

/** One variable's value for a recipient. */
export function variableValue(
  v: CampaignTemplate['variables'][number],
  c: RecipientFields,
  links: RecipientLinks = NO_LINKS,
): string {
  let raw: unknown;
  const s = v.source;
  if (s.kind === 'literal') raw = s.value;
  else if (s.kind === 'link') {
    const code = links.codes.get(s.url);
    raw = code ? shortLink(links.origin, code) : undefined;
  } else if (s.kind === 'attribute') raw = c.attributes[s.key];
  else if (s.kind === 'csv') raw = c.csv?.[s.column];
  else if (s.field === 'name') raw = c.name ?? c.profileName;
  else if (s.field === 'profile_name') raw = c.profileName;
  else if (s.field === 'phone') raw = c.phone;
  else raw = c.country;
  const text =
    typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  const clean = text
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {5,}/g, '    ')
    .trim();
  return clean.length > 0 ? clean.slice(0, 1024) : v.fallback;
}

/** A component of a template send: the body's parameters, or a tracked URL button's suffix. */
export type TemplateSendComponent =
  | { type: 'header'; parameters: HeaderParameter[] }
  | { type: 'body'; parameters: { type: 'text'; text: string; parameter_name?: string }[] }
  | { type: 'button'; sub_type: 'url'; index: string; parameters: { type: 'text'; text: string }[] };

/** The media of a header as sent: the Graph media id for the sending number, or the link. */
export type HeaderMedia = { id: string } | { link: string };
type HeaderParameter =
  | { type: 'image'; image: HeaderMedia }
  | { type: 'video'; video: HeaderMedia }
  | { type: 'document'; document: HeaderMedia };

/** The header component of a template with a media header. */
export function headerComponent(type: TemplateHeader['type'], media: HeaderMedia): TemplateSendComponent {
  const parameter: HeaderParameter =
    type === 'image'
      ? { type, image: media }
      : type === 'video'
        ? { type, video: media }
        : { type, document: media };
  return { type: 'header', parameters: [parameter] };
}

/**
 * The send content (Cloud API shape) of a template for a recipient; `header` is the media of the template's
 * header resolved for the sending number (absent: no header component).
 */
export function templateContent(
  t: CampaignTemplate,
  c: RecipientFields,
  links: RecipientLinks = NO_LINKS,
  header: HeaderMedia | null = null,
): {
  type: 'template';
  template: { name: string; language: { code: string }; components?: TemplateSendComponent[] };
} {
  const parameters = t.variables.map((v) => ({
    type: 'text' as const,
    ...(v.name ? { parameter_name: v.name } : {}),
    text: variableValue(v, c, links),
  }));
  const components: TemplateSendComponent[] = [
    ...(t.header && header ? [headerComponent(t.header.type, header)] : []),
    ...(parameters.length > 0 ? [{ type: 'body' as const, parameters }] : []),
    ...t.buttons.flatMap((b) => {
      const code = links.codes.get(b.url);
      return code
        ? [
            {
              type: 'button' as const,
              sub_type: 'url' as const,
              index: String(b.index),
              parameters: [{ type: 'text' as const, text: code }],
            },
          ]
        : [];
    }),
  ];
  return {
    type: 'template',
    template: {
      name: t.name,
      language: { code: t.language },
      ...(components.length > 0 ? { components } : {}),
    },
  };
}

/** The body placeholders of a cached template's components: `{{1}}`… (positional) or `{{name}}` (named). */
export function bodyPlaceholders(components: unknown): { positional: number; named: string[] } {
  const list = Array.isArray(components) ? (components as { type?: unknown; text?: unknown }[]) : [];
  const body = list.find((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'BODY');
  const text = typeof body?.text === 'string' ? body.text : '';
  const names = [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] as string);
  const positional = new Set(names.filter((n) => /^\d+$/.test(n))).size;
  const named = [...new Set(names.filter((n) => !/^\d+$/.test(n)))].sort();
  return { positional, named };
}

/**
 * Why a campaign's variables do not fit its template's body (WhatsApp would refuse every send with 132000), or
 * null when they do: as many variables as positional placeholders, or exactly the named ones.
 */
export function variablesMismatch(
  variables: CampaignTemplate['variables'],
  placeholders: { positional: number; named: string[] },
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

/** Why the campaign's variables cannot be filled from CSV columns (its audience is not a CSV import), or null. */
export function csvVariablesMisplaced(doc: {
  audience: object;
  template: CampaignTemplate;
  variantB: { template: CampaignTemplate } | null;
}): string | null {
  if ('importId' in doc.audience) return null;
  const templates = [doc.template, ...(doc.variantB ? [doc.variantB.template] : [])];
  return templates.some((t) => t.variables.some((v) => v.source.kind === 'csv'))
    ? 'a variable reads a CSV column but the audience is not a CSV import ({ importId })'
    : null;
}

/** The header format of a cached template's components (`IMAGE`, `TEXT`…), or null without a header. */
export function headerFormat(components: unknown): string | null {
  const list = Array.isArray(components) ? (components as { type?: unknown; format?: unknown }[]) : [];
  const header = list.find((c) => typeof c.type === 'string' && c.type.toUpperCase() === 'HEADER');
  if (!header) return null;
  return typeof header.format === 'string' ? header.format.toUpperCase() : 'TEXT';
}

/**
 * Why a campaign's header media does not fit its template's header (WhatsApp would refuse every send with
 * 132012), or null: an IMAGE, VIDEO or DOCUMENT header needs media of that type; other headers take none.
 */
export function headerMismatch(header: TemplateHeader | undefined, format: string | null): string | null {
  const media = format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT';
  if (media && !header) return `the template's header is ${format}: give template.header with its media`;
  if (!media && header)
    return `the template has ${format ? `a ${format} header` : 'no header'}: template.header is not used`;
  if (header && header.type.toUpperCase() !== format)
    return `the template's header is ${format}, the campaign gives a ${header.type}`;
  return null;
}
