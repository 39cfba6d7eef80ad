import { describe, expect, it } from 'vitest';
import { filtersToApi, parseFilters } from '../../src/web/features/inbox/filters.ts';

describe('inbox filters', () => {
  it('searches every status: a resolved さくら is found from the Open tab', () => {
    const open = parseFilters('?q=さくら');
    expect(open.status).toBe('open');
    expect(filtersToApi(open)).toMatchObject({ q: 'さくら', status: undefined });
    expect(filtersToApi(parseFilters(''))).toMatchObject({ status: 'open' });
  });
});
