import type { z } from 'zod';
import type { TeamInputSchema, TeamSchema, TeamUpdateSchema } from '../../../contracts/api.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { AppError, duplicateAsConflict, notFound } from '../../lib/app-error.ts';

/** What the team functions use. */
export interface TeamsDeps {
  db: Db;
  clock: Clock;
}

type TeamDto = z.infer<typeof TeamSchema>;

/** The workspace's teams with their members, by name. */
export async function listTeams(deps: TeamsDeps, workspaceId: string): Promise<{ data: TeamDto[] }> {
  const [teams, members] = await Promise.all([
    deps.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute(),
    deps.db
      .selectFrom('team_members')
      .select(['team_id', 'user_id'])
      .where('workspace_id', '=', workspaceId)
      .execute(),
  ]);
  return {
    data: teams.map((t) => ({
      id: t.id,
      name: t.name,
      memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.user_id),
    })),
  };
}

async function getTeam(deps: TeamsDeps, workspaceId: string, id: string): Promise<TeamDto> {
  const team = (await listTeams(deps, workspaceId)).data.find((t) => t.id === id);
  if (!team) throw notFound('Team');
  return team;
}

/** Replaces a team's members; every member must belong to the workspace. */
async function setMembers(tx: DbOrTx, workspaceId: string, teamId: string, userIds: string[]): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length > 0) {
    const found = await tx
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', 'in', unique)
      .execute();
    if (found.length !== unique.length)
      throw new AppError('validation_failed', 'Every team member must be a member of this workspace', {
        issues: [{ path: '/memberIds', message: 'unknown user' }],
      });
  }
  await tx.deleteFrom('team_members').where('team_id', '=', teamId).execute();
  if (unique.length > 0)
    await tx
      .insertInto('team_members')
      .values(unique.map((user_id) => ({ team_id: teamId, user_id, workspace_id: workspaceId })))
      .execute();
}

export async function createTeam(
  deps: TeamsDeps,
  workspaceId: string,
  input: z.infer<typeof TeamInputSchema>,
): Promise<TeamDto> {
  const id = newId();
  await duplicateAsConflict(
    deps.db.transaction().execute(async (tx) => {
      const now = deps.clock.now();
      await tx
        .insertInto('teams')
        .values({ id, workspace_id: workspaceId, name: input.name, created_at: now, updated_at: now })
        .execute();
      await setMembers(tx, workspaceId, id, input.memberIds);
    }),
    `A team named "${input.name ?? ''}" already exists`,
  );
  return getTeam(deps, workspaceId, id);
}

export async function updateTeam(
  deps: TeamsDeps,
  workspaceId: string,
  id: string,
  input: z.infer<typeof TeamUpdateSchema>,
): Promise<TeamDto> {
  await duplicateAsConflict(
    deps.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('teams')
        .set({ ...(input.name ? { name: input.name } : {}), updated_at: deps.clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw notFound('Team');
      if (input.memberIds) await setMembers(tx, workspaceId, id, input.memberIds);
    }),
    `A team named "${input.name ?? ''}" already exists`,
  );
  return getTeam(deps, workspaceId, id);
}

/** Deletes a team; its conversations keep their assignee and lose the team. */
export async function deleteTeam(deps: TeamsDeps, workspaceId: string, id: string): Promise<void> {
  const res = await deps.db
    .deleteFrom('teams')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('Team');
}
