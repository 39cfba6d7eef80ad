import { GraphError } from './errors.ts';
import type { SimIds } from './sim-ids.ts';
import { placeholders } from './templates.schemas.ts';
import type {
  TemplateComponentDef,
  TemplateCreate,
  TemplateDef,
  TemplateStatus,
} from './templates.schemas.ts';

/** Page of a template listing, in Graph's cursor-paging shape. */
export interface TemplatePage {
  data: Record<string, unknown>[];
  paging: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

/** Filters of `GET /{waba}/message_templates`. */
export interface TemplateQuery {
  name?: string;
  status?: string;
  language?: string;
  category?: string;
  fields?: string[];
  limit: number;
  after?: string;
  before?: string;
}

const cursor = (offset: number) => Buffer.from(String(offset)).toString('base64url');
const offsetOf = (c: string | undefined) =>
  c === undefined ? undefined : Number(Buffer.from(c, 'base64url').toString());

/**
 * Message templates per WABA. Every WABA starts with Meta's approved `hello_world` (en_US, UTILITY, no
 * parameters), so a fresh install can send a template before anyone creates one.
 */
export class TemplateStore {
  private readonly byWaba = new Map<string, TemplateDef[]>();

  constructor(private readonly ids: SimIds) {}

  private list(wabaId: string): TemplateDef[] {
    let list = this.byWaba.get(wabaId);
    if (!list) {
      list = [
        {
          id: this.ids.numeric(),
          name: 'hello_world',
          language: 'en_US',
          category: 'UTILITY',
          status: 'APPROVED',
          parameter_format: 'POSITIONAL',
          components: [{ type: 'BODY', text: 'Hello World' }],
        },
      ];
      this.byWaba.set(wabaId, list);
    }
    return list;
  }

  /** Makes sure the WABA exists with its seed template (called when a number of it registers). */
  ensureWaba(wabaId: string): void {
    this.list(wabaId);
  }

  /** The template with Meta's id `id` and its WABA, if any. */
  findById(id: string): { wabaId: string; def: TemplateDef } | undefined {
    for (const [wabaId, list] of this.byWaba) {
      const def = list.find((t) => t.id === id);
      if (def) return { wabaId, def };
    }
    return undefined;
  }

  /** The template of that name and language, if any (any status). */
  find(wabaId: string, name: string, language: string): TemplateDef | undefined {
    return this.list(wabaId).find((t) => t.name === name && t.language === language);
  }

  /**
   * Stores a new template. Throws Graph 100 when the name/language pair exists or the text breaks a rule the
   * schema can't express (variables in a footer, more than one in a header).
   */
  create(wabaId: string, input: TemplateCreate, defaultStatus: TemplateStatus): TemplateDef {
    if (this.find(wabaId, input.name, input.language)) {
      throw new GraphError(
        100,
        `Content in this language already exists for template ${input.name} (${input.language})`,
        {
          subcode: 2388024,
        },
      );
    }
    const allNames = input.components.flatMap((c) =>
      placeholders(typeof c.text === 'string' ? c.text : undefined),
    );
    const named = input.parameter_format === 'NAMED' || allNames.some((n) => !/^\d+$/.test(n));
    checkComponents(input.components);
    const def: TemplateDef = {
      id: this.ids.numeric(),
      name: input.name,
      language: input.language,
      category: input.category,
      status: input.status ?? defaultStatus,
      parameter_format: named ? 'NAMED' : 'POSITIONAL',
      components: input.components,
      qualityScore: 'UNKNOWN',
    };
    this.list(wabaId).push(def);
    return def;
  }

  /**
   * Edits a template (`POST /{template-id}`): components replaced wholesale and/or the category; only APPROVED,
   * REJECTED or PAUSED templates, and an approved template keeps its category (reference §5.1). The template
   * goes back to PENDING.
   */
  edit(
    id: string,
    input: { components?: TemplateComponentDef[]; category?: TemplateDef['category'] },
  ): TemplateDef {
    const found = this.findById(id);
    if (!found)
      throw new GraphError(100, `Unsupported post request. Object with ID '${id}' does not exist`, {
        subcode: 33,
      });
    const def = found.def;
    if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(def.status))
      throw new GraphError(100, `Template in status ${def.status} can't be edited`, { subcode: 2388025 });
    if (def.status === 'APPROVED' && input.category !== undefined && input.category !== def.category)
      throw new GraphError(100, "The category of an approved template can't be changed", {
        subcode: 2388026,
      });
    if (input.components) {
      checkComponents(input.components);
      def.components = input.components;
    }
    if (input.category) def.category = input.category;
    def.status = 'PENDING';
    def.rejectedReason = undefined;
    return def;
  }

  /** Deletes every language of `name` (or only the one with id `hsmId`); returns how many went. */
  delete(wabaId: string, name: string, hsmId?: string): number {
    const list = this.list(wabaId);
    const keep = list.filter((t) => t.name !== name || (hsmId !== undefined && t.id !== hsmId));
    this.byWaba.set(wabaId, keep);
    return list.length - keep.length;
  }

  /** One page of the WABA's templates, oldest first, with Graph's cursor paging. */
  page(wabaId: string, q: TemplateQuery, selfUrl: string): TemplatePage {
    const all = this.list(wabaId).filter(
      (t) =>
        (q.name === undefined || t.name.includes(q.name)) &&
        (q.status === undefined || t.status === q.status.toUpperCase()) &&
        (q.language === undefined || t.language === q.language) &&
        (q.category === undefined || t.category === q.category.toUpperCase()),
    );
    const before = offsetOf(q.before);
    const start = before !== undefined ? Math.max(0, before - q.limit) : (offsetOf(q.after) ?? -1) + 1;
    const slice = all.slice(start, start + q.limit);
    const end = start + slice.length - 1;
    const data = slice.map((t) => project(t, q.fields));
    const page: TemplatePage = { data, paging: { cursors: { before: cursor(start), after: cursor(end) } } };
    if (end + 1 < all.length) page.paging.next = `${selfUrl}?limit=${q.limit}&after=${cursor(end)}`;
    if (start > 0) page.paging.previous = `${selfUrl}?limit=${q.limit}&before=${cursor(start)}`;
    return page;
  }
}

/** What Meta checks synchronously: one BODY, no variable in a footer, at most one in a header. */
function checkComponents(components: TemplateComponentDef[]): void {
  const bodies = components.filter((c) => c.type === 'BODY');
  if (bodies.length !== 1) throw new GraphError(100, 'components must contain exactly one BODY');
  for (const c of components) {
    if (c.type === 'FOOTER' && placeholders(c.text).length > 0) {
      throw new GraphError(100, 'components.FOOTER.text must not contain variables', { subcode: 2388073 });
    }
    if (c.type === 'HEADER' && placeholders(c.text).length > 1) {
      throw new GraphError(100, 'components.HEADER.text may contain at most one variable', {
        subcode: 2388072,
      });
    }
  }
}

function project(t: TemplateDef, fields: string[] | undefined): Record<string, unknown> {
  const full: Record<string, unknown> = {
    name: t.name,
    parameter_format: t.parameter_format,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    ...(t.qualityScore ? { quality_score: { score: t.qualityScore } } : {}),
    ...(t.rejectedReason ? { rejected_reason: t.rejectedReason } : {}),
    id: t.id,
  };
  if (fields === undefined) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || fields.includes(k)));
}
