/** REST DTOs of a workspace's settings (`/api/v1/workspace/settings`). */
import { z } from 'zod';

/** The settings of the caller's workspace. */
export const WorkspaceSettingsSchema = z.object({
  /**
   * Archive contacts with no message, no event and no write for this many months (daily job); null (the default)
   * never archives. Archived contacts are hidden from the contact list, segments and campaign audiences until they
   * are active again.
   */
  archiveInactiveAfterMonths: z.number().int().min(1).max(120).nullable(),
});
export type WorkspaceSettingsDto = z.infer<typeof WorkspaceSettingsSchema>;
/** `PATCH /api/v1/workspace/settings`: any of the settings. */
export const WorkspaceSettingsUpdateSchema = WorkspaceSettingsSchema.partial();
