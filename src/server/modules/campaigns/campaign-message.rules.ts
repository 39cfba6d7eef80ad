/**
 * The template message a recipient gets (pure), for campaigns and reminders alike: the template (or variant b) with
 * each value filled from the contact — a field, an attribute, a literal, the recipient's short link, or a column of
 * the recipient's row in the audience's CSV import — and its fallback when the contact has no value. Values fill the
 * body's variables, a text header's variable, URL buttons' suffixes (a tracked button's is the recipient's link
 * code) and quick-reply payloads. Values are plain text (WhatsApp renders them; nothing is interpreted as markup
 * here); newlines and tabs are folded to spaces and runs of spaces shortened, as the Cloud API refuses them in
 * parameters. Whether the values fit the approved template is `campaign-template-check.rules.ts`.
 */
import type {
  CampaignTemplate,
  TemplateMediaHeader,
  VariableSource,
} from '../../../contracts/campaign.schemas.ts';
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

/** The longest text WhatsApp takes in a parameter, by where it goes (a header's text is at most 60). */
const MAX_TEXT = { body: 1024, header: 60, button: 1024 } as const;

/** A value's raw text from its source for a recipient (undefined: the contact has none). */
function sourceValue(s: VariableSource, c: RecipientFields, links: RecipientLinks): unknown {
  if (s.kind === 'literal') return s.value;
  if (s.kind === 'link') {
    const code = links.codes.get(s.url);
    return code ? shortLink(links.origin, code) : undefined;
  }
  if (s.kind === 'attribute') return c.attributes[s.key];
  if (s.kind === 'csv') return c.csv?.[s.column];
  if (s.field === 'name') return c.name ?? c.profileName;
  if (s.field === 'profile_name') return c.profileName;
  if (s.field === 'phone') return c.phone;
  return c.country;
}

/**
 * One value for a recipient: its source's text with newlines and tabs folded to spaces and runs of spaces
 * shortened (the Cloud API refuses them in parameters), cut to `max` characters; the fallback when empty.
 */
export function variableValue(
  v: { source: VariableSource; fallback: string },
  c: RecipientFields,
  links: RecipientLinks = NO_LINKS,
  max: number = MAX_TEXT.body,
): string {
  const raw = sourceValue(v.source, c, links);
  const text =
    typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  const clean = text
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {5,}/g, '    ')
    .trim();
  return clean.length > 0 ? clean.slice(0, max) : v.fallback.slice(0, max);
}

type TextParameter = { type: 'text'; text: string; parameter_name?: string };

/** A component of a template send: the header's parameter, the body's parameters, or a button's parameter. */
export type TemplateSendComponent =
  | { type: 'header'; parameters: HeaderParameter[] }
  | { type: 'body'; parameters: TextParameter[] }
  | { type: 'button'; sub_type: 'url'; index: string; parameters: { type: 'text'; text: string }[] }
  | {
      type: 'button';
      sub_type: 'quick_reply';
      index: string;
      parameters: { type: 'payload'; payload: string }[];
    };

/** The media of a header as sent: the Graph media id for the sending number, or the link. */
export type HeaderMedia = { id: string } | { link: string };
type DocumentMedia = HeaderMedia & { filename?: string };
type HeaderParameter =
  | TextParameter
  | { type: 'image'; image: HeaderMedia }
  | { type: 'video'; video: HeaderMedia }
  | { type: 'document'; document: DocumentMedia };

/** The header component of a template with a media header (a document with its file name when known). */
export function headerComponent(
  type: TemplateMediaHeader['type'],
  media: HeaderMedia,
  filename?: string,
): TemplateSendComponent {
  const parameter: HeaderParameter =
    type === 'image'
      ? { type, image: media }
      : type === 'video'
        ? { type, video: media }
        : { type, document: filename ? { ...media, filename } : media };
  return { type: 'header', parameters: [parameter] };
}

/**
 * The header component of a template for a recipient: a text header's variable filled in, or the media — the
 * link as given, else `media` (the uploaded file's Graph id for the sending number); none when neither is known.
 */
function headerOf(
  t: CampaignTemplate,
  c: RecipientFields,
  links: RecipientLinks,
  media: HeaderMedia | null,
): TemplateSendComponent[] {
  const h = t.header;
  if (!h) return [];
  if (h.type === 'text') {
    const v = h.variable;
    const text = variableValue(v, c, links, MAX_TEXT.header);
    return [
      { type: 'header', parameters: [{ type: 'text', ...(v.name ? { parameter_name: v.name } : {}), text }] },
    ];
  }
  const resolved = h.link ? { link: h.link } : media;
  return resolved ? [headerComponent(h.type, resolved, h.filename)] : [];
}

/** The button components of a template for a recipient, in the template's button order. */
function buttonsOf(t: CampaignTemplate, c: RecipientFields, links: RecipientLinks): TemplateSendComponent[] {
  return [...t.buttons]
    .sort((a, b) => a.index - b.index)
    .flatMap((b): TemplateSendComponent[] => {
      const index = String(b.index);
      if ('payload' in b) {
        const payload = variableValue(b.payload, c, links, MAX_TEXT.button);
        return [
          { type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload }] },
        ];
      }
      // A tracked button's suffix is the recipient's code (none yet: no component, the send would say so).
      const text =
        'suffix' in b ? variableValue(b.suffix, c, links, MAX_TEXT.button) : links.codes.get(b.url);
      return text ? [{ type: 'button', sub_type: 'url', index, parameters: [{ type: 'text', text }] }] : [];
    });
}

/**
 * The send content (Cloud API shape) of a template for a recipient — the one renderer of campaign and reminder
 * templates: the header (a text header's variable, or the media: its link, else `header`, the uploaded file's
 * media id resolved for the sending number), the body's variables, then the buttons' suffixes and payloads.
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
    ...headerOf(t, c, links, header),
    ...(parameters.length > 0 ? [{ type: 'body' as const, parameters }] : []),
    ...buttonsOf(t, c, links),
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
