/**
 * Saving, reading, versioning and rolling back a workspace's automation document, and the per-process cache of
 * compiled documents the engine evaluates (keyed by workspace and version, so a save anywhere in the cluster
 * is picked up by every process on its next message without any invalidation message).
 */
import { SYSTEM_ACTOR, record, type AuditActor } from '../audit/audit.service.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/app-error.ts';
import {
  compileAutomation,
  type AutomationError,
  type CompiledAutomation,
} from './automation-compile.service.ts';
import type { AutomationConfig } from '../../../contracts/automation-document.schemas.ts';

/** What the configuration functions use. */
export interface AutomationConfigDeps {
  db: Db;
  clock: Clock;
  cache: CompiledAutomationCache;
}

/** The active automation of a workspace, as the API shows it. */
export interface AutomationState {
  enabled: boolean;
  version: number;
  config: AutomationConfig;
  updatedAt: string | null;
}

/** Compiled documents by (workspace, version); compiling is the expensive step (readings, regex programs). */
export class CompiledAutomationCache {
  private readonly entries = new Map<string, Promise<CompiledAutomation>>();
  constructor(private readonly max = 200) {}

  get(workspaceId: string, version: number, config: unknown): Promise<CompiledAutomation> {
    const key = `${workspaceId}:${version}`;
    let hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    hit = compileAutomation(config, version).then((c) => {
      if (c.ok) return c.automation;
      // A stored version always compiled when saved; failing now means the code changed underneath it.
      throw new Error(
        `automation v${version} of ${workspaceId} no longer compiles: ${c.errors[0]?.message ?? ''}`,
      );
    });
    hit.catch(() => this.entries.delete(key));
    this.entries.set(key, hit);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return hit;
  }
}

/** The default document of a workspace that never saved one: everything off except assignment. */
export async function defaultConfig(): Promise<AutomationConfig> {
  const c = await compileAutomation({}, 0);
  if (!c.ok) throw new Error('the empty automation document must compile');
  return c.automation.config;
}

/** The active document (or the default), whether automation is on, and its version. */
export async function getAutomation(deps: { db: DbOrTx }, workspaceId: string): Promise<AutomationState> {
  const row = await deps.db
    .selectFrom('automation_settings')
    .innerJoin('automation_configs', (j) =>
      j
        .onRef('automation_configs.workspace_id', '=', 'automation_settings.workspace_id')
        .onRef('automation_configs.version', '=', 'automation_settings.active_version'),
    )
    .select([
      'automation_settings.enabled',
      'automation_settings.active_version',
      'automation_settings.updated_at',
      'automation_configs.config',
    ])
    .where('automation_settings.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return { enabled: false, version: 0, config: await defaultConfig(), updatedAt: null };
  return {
    enabled: row.enabled,
    version: row.active_version,
    config: row.config as unknown as AutomationConfig,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Throws `invalid_automation` (422) with every error, each with the path of its field. */
function refuse(errors: AutomationError[]): never {
  throw new AppError('invalid_automation', `The automation cannot be saved: ${errors[0]?.message ?? ''}`, {
    errors,
  });
}

/** Teams and assignees named by routing rules must exist in the workspace. */
async function checkReferences(
  db: DbOrTx,
  workspaceId: string,
  config: AutomationConfig,
): Promise<AutomationError[]> {
  const errors: AutomationError[] = [];
  const teams = new Set(
    (await db.selectFrom('teams').select('id').where('workspace_id', '=', workspaceId).execute()).map(
      (t) => t.id,
    ),
  );
  const members = new Set(
    (
      await db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('role', '!=', 'analyst')
        .execute()
    ).map((m) => m.user_id),
  );
  config.routingRules.forEach((r, i) => {
    if (r.action.teamId && !teams.has(r.action.teamId))
      errors.push({
        code: 'invalid_rule',
        message: 'no such team in this workspace',
        path: `routingRules.${i}.action.teamId`,
      });
    if (r.action.assigneeId && !members.has(r.action.assigneeId))
      errors.push({
        code: 'invalid_rule',
        message: 'not a member of this workspace who can reply',
        path: `routingRules.${i}.action.assigneeId`,
      });
  });
  return errors;
}

/**
 * Validates, compiles and saves a document as the next version and activates it. Nothing is saved when
 * anything is wrong. Returns the new state.
 */
export async function saveAutomation(
  deps: AutomationConfigDeps,
  input: {
    workspaceId: string;
    authorUserId: string | null;
    config: unknown;
    note?: string | undefined;
    enabled?: boolean | undefined;
    /** Who saved it, for the audit log (each saved version is an audit entry). */
    actor?: AuditActor | undefined;
    /** The audit action: a plain save, or a rollback that restored version `rolledBackTo`. */
    rolledBackTo?: number | undefined;
  },
): Promise<AutomationState> {
  const compiled = await compileAutomation(input.config, 0);
  if (!compiled.ok) refuse(compiled.errors);
  const config = compiled.automation.config;
  const refErrors = await checkReferences(deps.db, input.workspaceId, config);
  if (refErrors.length > 0) refuse(refErrors);
  await deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const current = await tx
      .selectFrom('automation_settings')
      .select(['active_version', 'enabled'])
      .where('workspace_id', '=', input.workspaceId)
      .forUpdate()
      .executeTakeFirst();
    const last = await tx
      .selectFrom('automation_configs')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('workspace_id', '=', input.workspaceId)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    await tx
      .insertInto('automation_configs')
      .values({
        workspace_id: input.workspaceId,
        version,
        config: JSON.stringify(config),
        author_user_id: input.authorUserId,
        note: input.note ?? null,
        created_at: now,
      })
      .execute();
    const enabled = input.enabled ?? current?.enabled ?? true;
    await tx
      .insertInto('automation_settings')
      .values({ workspace_id: input.workspaceId, enabled, active_version: version, updated_at: now })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ enabled, active_version: version, updated_at: now }),
      )
      .execute();
    await record(tx, deps.clock, {
      workspaceId: input.workspaceId,
      actor: input.actor ?? SYSTEM_ACTOR,
      action: input.rolledBackTo === undefined ? 'automation.version_saved' : 'automation.rolled_back',
      target: { type: 'automation_version', id: String(version) },
      data: input.rolledBackTo === undefined ? {} : { restoredVersion: input.rolledBackTo },
    });
  });
  return getAutomation(deps, input.workspaceId);
}

/** Turns automation on or off without changing the document. */
export async function setAutomationEnabled(
  deps: AutomationConfigDeps,
  workspaceId: string,
  enabled: boolean,
): Promise<AutomationState> {
  const res = await deps.db
    .updateTable('automation_settings')
    .set({ enabled, updated_at: deps.clock.now() })
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
    if (!enabled) return getAutomation(deps, workspaceId);
    return saveAutomation(deps, { workspaceId, authorUserId: null, config: {}, enabled: true });
  }
  return getAutomation(deps, workspaceId);
}

/** The saved versions, newest first (without their documents). */
export async function listVersions(
  deps: { db: Db },
  workspaceId: string,
): Promise<{
  data: Array<{
    version: number;
    authorUserId: string | null;
    note: string | null;
    createdAt: string;
    active: boolean;
  }>;
}> {
  const [rows, settings] = await Promise.all([
    deps.db
      .selectFrom('automation_configs')
      .select(['version', 'author_user_id', 'note', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('version', 'desc')
      .limit(200)
      .execute(),
    deps.db
      .selectFrom('automation_settings')
      .select('active_version')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst(),
  ]);
  return {
    data: rows.map((r) => ({
      version: r.version,
      authorUserId: r.author_user_id,
      note: r.note,
      createdAt: r.created_at.toISOString(),
      active: r.version === settings?.active_version,
    })),
  };
}

/** Rolls back: the document of an old version becomes the next version (history is never rewritten). */
export async function rollbackAutomation(
  deps: AutomationConfigDeps,
  input: { workspaceId: string; authorUserId: string | null; version: number; actor?: AuditActor },
): Promise<AutomationState> {
  const old = await deps.db
    .selectFrom('automation_configs')
    .select('config')
    .where('workspace_id', '=', input.workspaceId)
    .where('version', '=', input.version)
    .executeTakeFirst();
  if (!old) throw notFound('Automation version');
  return saveAutomation(deps, {
    workspaceId: input.workspaceId,
    authorUserId: input.authorUserId,
    config: old.config,
    note: `Rollback to version ${input.version}`,
    actor: input.actor,
    rolledBackTo: input.version,
  });
}
