import { describe, expect, it } from 'vitest';
import { WorkspaceSettingsSchema } from '../../src/contracts/workspace-settings.schemas.ts';
import { ARCHIVE_MONTHS } from '../../src/web/features/settings/workspace-queries.ts';

describe('the console’s archiving bounds', () => {
  it('are the ones the API accepts', () => {
    const ok = (m: number) => WorkspaceSettingsSchema.safeParse({ archiveInactiveAfterMonths: m }).success;
    expect([ok(ARCHIVE_MONTHS.min), ok(ARCHIVE_MONTHS.max)]).toEqual([true, true]);
    expect([ok(ARCHIVE_MONTHS.min - 1), ok(ARCHIVE_MONTHS.max + 1)]).toEqual([false, false]);
  });
});
