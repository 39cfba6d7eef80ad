import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries of docs/architecture.md are enforced by eslint.config.js: this lints deliberate violations
 * (as if they were files at the given paths) and checks each is refused, and that the same code is accepted
 * where it belongs.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('architecture boundaries (eslint)', () => {
  it('the console imports only src/contracts and its own code', async () => {
    const server = "import type { Db } from '../../../server/db/types.ts';\nexport type X = Db;\n";
    const lib = "import { newId } from '../../../lib/ids.ts';\nvoid newId;\n";
    const contracts =
      "import type { ConversationDto } from '../../../contracts/api.schemas.ts';\nexport type X = ConversationDto;\n";
    const own = "import { api } from '../../lib/api.ts';\nvoid api;\n";
    const file = 'src/web/features/inbox/bad.ts';
    expect(await ruleIds(server, file)).toContain('tsunagi/console-imports');
    expect(await ruleIds(lib, file)).toContain('tsunagi/console-imports');
    expect(await ruleIds(contracts, file)).toEqual([]);
    expect(await ruleIds(own, file)).toEqual([]);
  });

  it('a feature module may not import the pipeline', async () => {
    const code =
      "import { applyInboundMessages } from '../../pipeline/inbound-apply.ts';\nvoid applyInboundMessages;\n";
    expect(await ruleIds(code, 'src/server/modules/contacts/bad.service.ts')).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds(code, 'src/server/modules/contacts/bad.routes.ts')).toContain(
      'no-restricted-imports',
    );
    // The pipeline itself, and the composition root, may.
    expect(await ruleIds(code.replace('../../pipeline/', './'), 'src/server/pipeline/ok.ts')).toEqual([]);
  });

  it('a route may not hold SQL: no kysely, no repository, no query builder', async () => {
    const kysely = "import { sql } from 'kysely';\nvoid sql;\n";
    const repository = "import { findContact } from './contacts.repository.ts';\nvoid findContact;\n";
    const builder =
      "export async function f(db: { selectFrom(t: string): unknown }) {\n  return db.selectFrom('contacts');\n}\n";
    for (const file of ['src/server/modules/contacts/bad.routes.ts', 'src/server/http/bad.routes.ts']) {
      expect(await ruleIds(kysely, file)).toContain('no-restricted-imports');
      expect(await ruleIds(repository, file)).toContain('no-restricted-imports');
      expect(await ruleIds(builder, file)).toContain('no-restricted-syntax');
    }
    // The same code is fine in a service.
    expect(await ruleIds(builder, 'src/server/modules/contacts/ok.service.ts')).toEqual([]);
    expect(await ruleIds(repository, 'src/server/modules/contacts/ok.service.ts')).toEqual([]);
  });
});
