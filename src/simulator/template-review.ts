import type { SimulatorCore } from './core.ts';
import { templateStatusUpdate } from './management-updates.ts';
import type { TemplateDef, TemplateStatus } from './templates.schemas.ts';

/** How the simulator reviews submitted templates. */
export interface TemplateReviewConfig {
  /** Clock milliseconds from submission (or edit) to the decision (default 30 s; Meta takes up to 24 h). */
  delayMs: number;
  /**
   * A template whose text (header, body, footer, button labels) contains one of these (case-insensitive) is
   * rejected with `rejectReason`; any other is approved.
   */
  rejectWords: string[];
  rejectReason: string;
  /** false: submissions stay PENDING until `POST /control/templates/status` decides. */
  auto: boolean;
}

export const DEFAULT_TEMPLATE_REVIEW: TemplateReviewConfig = {
  delayMs: 30_000,
  rejectWords: ['scam', 'spam', '詐欺', '必ず儲かる'],
  rejectReason: 'ABUSIVE_CONTENT',
  auto: true,
};

/** Every text of a template a reviewer reads. */
function textsOf(def: TemplateDef): string[] {
  const out: string[] = [];
  for (const c of def.components) {
    if ('text' in c && typeof c.text === 'string') out.push(c.text);
    if (c.type === 'BUTTONS') for (const b of c.buttons) if (b.text) out.push(b.text);
  }
  return out;
}

/** The decision the rule gives: REJECTED with the reason when a reject word appears, else APPROVED. */
export function reviewDecision(
  def: TemplateDef,
  config: TemplateReviewConfig,
): { status: TemplateStatus; reason: string | null } {
  const text = textsOf(def).join('\n').toLowerCase();
  const hit = config.rejectWords.find((w) => w !== '' && text.includes(w.toLowerCase()));
  return hit ? { status: 'REJECTED', reason: config.rejectReason } : { status: 'APPROVED', reason: null };
}

/**
 * Reviews templates like Meta does: a submission (or an edit) is PENDING, and after `delayMs` on the simulator's
 * clock it is APPROVED or REJECTED with a reason, announced by `message_template_status_update`. Tests drive it
 * by advancing the fake clock; a decision made through the control API first cancels the pending review.
 */
export class TemplateReviewer {
  config: TemplateReviewConfig = { ...DEFAULT_TEMPLATE_REVIEW };
  private readonly pending = new Map<string, () => void>();

  constructor(private readonly core: () => SimulatorCore) {}

  /** Puts a PENDING template in the review queue (no-op when reviews are manual). */
  submit(wabaId: string, def: TemplateDef): void {
    this.cancel(def.id);
    if (!this.config.auto) return;
    const core = this.core();
    const cancel = core.clock.setTimer(this.config.delayMs, () => {
      this.pending.delete(def.id);
      const current = core.templates.findById(def.id);
      if (!current || current.def.status !== 'PENDING') return;
      const d = reviewDecision(current.def, this.config);
      this.decide(wabaId, current.def, d.status, d.reason);
    });
    this.pending.set(def.id, cancel);
  }

  /** Sets the status (and rejection reason) and sends the status webhook. */
  decide(wabaId: string, def: TemplateDef, status: TemplateStatus, reason: string | null): void {
    this.cancel(def.id);
    def.status = status;
    def.rejectedReason = status === 'REJECTED' ? (reason ?? 'INVALID_FORMAT') : undefined;
    const core = this.core();
    core.queue.enqueue(templateStatusUpdate(core, wabaId, def, reason));
  }

  /** Drops a pending review (template decided by hand, edited again or deleted). */
  cancel(id: string): void {
    this.pending.get(id)?.();
    this.pending.delete(id);
  }

  /** Templates waiting for a decision. */
  pendingCount(): number {
    return this.pending.size;
  }
}
