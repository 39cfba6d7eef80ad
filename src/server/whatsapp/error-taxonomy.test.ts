import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GraphErrorBodySchema } from '../../contracts/whatsapp/graph-error.schemas.ts';
import { classifyGraphError } from './error-taxonomy.ts';
import type { GraphErrorCategory, GraphRetryScope } from './error-taxonomy.ts';
import { graphErrorFromResponse } from './graph-api-error.ts';

type Row = [code: number | null, http: number, category: GraphErrorCategory, scope?: GraphRetryScope];

// prettier-ignore
const TABLE: Row[] = [
  // auth: token / permissions, and every 401
  [0, 401, 'auth'], [190, 401, 'auth'], [190, 400, 'auth'], [104, 401, 'auth'], [102, 400, 'auth'],
  [3, 500, 'auth'], [10, 403, 'auth'], [200, 403, 'auth'], [299, 403, 'auth'], [131005, 403, 'auth'],
  [null, 401, 'auth'], [100, 401, 'auth'], [131000, 401, 'auth'],
  // throttle: per number
  [4, 400, 'throttle', 'number'], [4, 429, 'throttle', 'number'], [17, 400, 'throttle', 'number'],
  [32, 400, 'throttle', 'number'], [613, 429, 'throttle', 'number'], [80007, 400, 'throttle', 'number'],
  [130429, 400, 'throttle', 'number'], [130429, 403, 'throttle', 'number'], [null, 429, 'throttle', 'number'],
  [999999, 429, 'throttle', 'number'],
  // throttle: per recipient (pair rate limit)
  [131056, 400, 'throttle', 'recipient'], [131056, 403, 'throttle', 'recipient'],
  // retryable
  [1, 400, 'retryable'], [1, 500, 'retryable'], [2, 503, 'retryable'], [131000, 500, 'retryable'],
  [131016, 500, 'retryable'], [131057, 500, 'retryable'], [133004, 503, 'retryable'],
  [null, 500, 'retryable'], [null, 502, 'retryable'], [null, 503, 'retryable'], [null, 504, 'retryable'],
  [null, 0, 'retryable'], [999999, 500, 'retryable'],
  // policy: never retried
  [131047, 400, 'policy'], [131049, 400, 'policy'], [131050, 400, 'policy'], [368, 403, 'policy'],
  [130497, 403, 'policy'], [131031, 403, 'policy'], [131026, 400, 'policy'], [131048, 400, 'policy'],
  [130472, 400, 'policy'], [131042, 400, 'policy'], [137000, 400, 'policy'], [131063, 400, 'policy'],
  [131064, 400, 'policy'], [368, 500, 'policy'],
  // permanent: fix the request
  [100, 400, 'permanent'], [100, 500, 'permanent'], [33, 400, 'permanent'], [131008, 400, 'permanent'],
  [131009, 400, 'permanent'], [131021, 400, 'permanent'], [131030, 400, 'permanent'], [131037, 400, 'permanent'],
  [131045, 500, 'permanent'], [131051, 400, 'permanent'], [131052, 400, 'permanent'], [131053, 400, 'permanent'],
  [131062, 400, 'permanent'], [132000, 400, 'permanent'], [132001, 404, 'permanent'], [132005, 400, 'permanent'],
  [132007, 400, 'permanent'], [132012, 400, 'permanent'], [132015, 400, 'permanent'], [132016, 400, 'permanent'],
  [132068, 400, 'permanent'], [132069, 400, 'permanent'], [133000, 500, 'permanent'], [133010, 400, 'permanent'],
  [133016, 400, 'permanent'], [134011, 400, 'permanent'], [135000, 400, 'permanent'], [2388040, 400, 'permanent'],
  [803, 404, 'permanent'], [null, 400, 'permanent'], [null, 404, 'permanent'], [null, 413, 'permanent'],
  [999999, 400, 'permanent'],
];

describe('classifyGraphError', () => {
  it.each(TABLE)('code %s / HTTP %s → %s %s', (code, http, category, scope) => {
    const c = classifyGraphError(code, http);
    expect(c.category).toBe(category);
    expect(c.retryable).toBe(category === 'throttle' || category === 'retryable');
    expect(c.retryScope).toBe(scope ?? null);
  });

  it('uses Graph is_transient only for codes it does not know', () => {
    expect(classifyGraphError(999999, 400, true).category).toBe('retryable');
    expect(classifyGraphError(100, 400, true).category).toBe('permanent');
    expect(classifyGraphError(136024, 400, false).category).toBe('permanent');
  });
});

const ERRORS = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/errors/', import.meta.url));

/** HTTP status each fixture was served with (MANIFEST), and the category Tsunagi must derive. */
// prettier-ignore
const EXPECTED: Record<string, [http: number, category: GraphErrorCategory, scope?: GraphRetryScope]> = {
  '001-0-courier.json': [403, 'auth'],
  '002-1-unexpected-error.json': [500, 'retryable'],
  '003-2-graph-http500.json': [500, 'retryable'],
  '004-4-rate-limit-exceeded.json': [429, 'throttle', 'number'],
  '005-10-feature-not-supported.json': [403, 'auth'],
  '006-100-invalid-template-parameters.json': [400, 'permanent'],
  '007-100-malformed-request.json': [400, 'permanent'],
  '008-100-missing-feature-setting.json': [400, 'permanent'],
  '009-100-phone-number-not-found.json': [404, 'permanent'],
  '010-100-33-unsupported-get.json': [400, 'permanent'],
  '015-104-missing-access-token.json': [401, 'auth'],
  '016-190-invalid-access-token.json': [401, 'auth'],
  '017-190-463-session-expired.json': [400, 'auth'],
  '018-190-cannot-parse-token.json': [200, 'auth'],
  '019-190-cannot-parse-token.json': [400, 'auth'],
  '020-200-template-not-approved.json': [403, 'auth'],
  '021-200-insufficient-permissions.json': [403, 'auth'],
  '022-368-courier.json': [403, 'policy'],
  '023-613-courier.json': [429, 'throttle', 'number'],
  '024-803-graph-http404.json': [404, 'permanent'],
  '025-130429-courier.json': [403, 'throttle', 'number'],
  '027-131009-courier.json': [400, 'permanent'],
  '029-131053-courier.json': [400, 'permanent'],
  '030-131056-courier.json': [403, 'throttle', 'recipient'],
  '031-132000-template-not-found.json': [404, 'permanent'],
  '033-136024-request-code.json': [400, 'permanent'],
  '034-136025-verify-code.json': [400, 'permanent'],
};

describe.skipIf(!existsSync(ERRORS))('Graph error fixtures (third-party corpus)', () => {
  const files = existsSync(ERRORS)
    ? readdirSync(ERRORS)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

  it('has an expectation for every fixture', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s parses and classifies', (file) => {
    const text = readFileSync(`${ERRORS}${file}`, 'utf8');
    const parsed = GraphErrorBodySchema.safeParse(JSON.parse(text));
    expect(parsed.success, parsed.error?.message).toBe(true);
    const [http, category, scope] = EXPECTED[file] ?? [0, 'retryable'];
    const error = graphErrorFromResponse(http, '', text);
    expect(error).toMatchObject({
      httpStatus: http,
      code: parsed.data?.error.code,
      category,
      ambiguous: false,
    });
    expect(error.retryScope).toBe(scope ?? null);
    expect(error.title).not.toMatch(/^\(#\d+\)/);
  });
});
