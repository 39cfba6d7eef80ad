import { describe, expect, it } from 'vitest';
import { csvCell, csvFileName, toCsv } from '../../src/web/features/analytics/csv.ts';
import { formatChange, formatRate, formatSeconds } from '../../src/web/features/analytics/format.ts';
import {
  addDays,
  daysBetween,
  rangeProblem,
  relativeChange,
  resolveRange,
  todayIn,
} from '../../src/web/features/analytics/range.ts';
import { DEFAULT_VIEW, parseView, viewSearch } from '../../src/web/features/analytics/view-state.ts';

describe('analytics dashboard CSV', () => {
  it('starts with a BOM, ends lines with CRLF and quotes commas, quotes and line breaks', () => {
    const csv = toCsv(
      ['名前', 'count'],
      [
        ['鈴木, 一郎', 3],
        ['say "hi"', null],
        ['two\nlines', 0.5],
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('名前,count\r\n"鈴木, 一郎",3\r\n"say ""hi""",\r\n"two\nlines",0.5\r\n');
  });

  it('makes text that a spreadsheet would run as a formula inert, but keeps negative numbers as numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+81 90')).toBe("'+81 90");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvFileName('numbers', '2026-03-01', '2026-03-07')).toBe(
      'tsunagi-numbers-2026-03-01_2026-03-07.csv',
    );
  });
});

describe('analytics dashboard range', () => {
  it('ends a preset today in the workspace zone and counts both ends', () => {
    // 2026-03-01 23:30 UTC is already 2026-03-02 in Tokyo.
    const now = Date.parse('2026-03-01T23:30:00Z');
    expect(todayIn('Asia/Tokyo', now)).toBe('2026-03-02');
    expect(todayIn('America/New_York', now)).toBe('2026-03-01');
    expect(resolveRange({ kind: 'preset', days: 7 }, '2026-03-02')).toEqual({
      from: '2026-02-24',
      to: '2026-03-02',
    });
    expect(daysBetween('2026-02-24', '2026-03-02')).toBe(7);
    expect(resolveRange({ kind: 'custom', from: '2026-01-01', to: '2026-01-31' }, '2026-03-02')).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('refuses a reversed, too long or incomplete custom range', () => {
    expect(rangeProblem('2026-03-02', '2026-03-01')).toBe('order');
    expect(rangeProblem('2025-01-01', '2026-01-02')).toBe('length');
    expect(rangeProblem('2025-01-01', '2026-01-01')).toBeNull();
    expect(rangeProblem('', '2026-01-01')).toBe('missing');
  });

  it('compares with the previous period: relative for counts, points for shares', () => {
    expect(relativeChange(15, 10)).toBe(0.5);
    expect(relativeChange(5, 0)).toBeNull();
    expect(relativeChange(null, 3)).toBeNull();
    expect(formatChange(0.5, 'relative', 'en', 'pt')).toBe('+50%');
    expect(formatChange(-0.032, 'points', 'en', 'pt')).toBe('-3.2 pt');
    expect(formatChange(0.032, 'points', 'ja', 'ポイント')).toBe('+3.2 ポイント');
    expect(formatRate(0.5, 'ja')).toBe('50%');
    expect(formatRate(null, 'en')).toBe('—');
    expect(formatSeconds(90, 'en')).toBe('1.5 min');
    expect(formatSeconds(90, 'ja')).toBe('1.5 分');
    expect(formatSeconds(7200, 'en')).toBe('2 hr');
  });
});

describe('analytics dashboard address', () => {
  const team = '0190b6a4-0000-7000-8000-000000000001';

  it('round-trips a view through the query string and leaves defaults out', () => {
    expect(viewSearch(DEFAULT_VIEW)).toBe('');
    expect(parseView('')).toEqual(DEFAULT_VIEW);
    const view = {
      ...DEFAULT_VIEW,
      range: { kind: 'custom' as const, from: '2026-03-01', to: '2026-03-31' },
      compare: false,
      teamId: team,
      tag: 'VIP 会員',
      businessHours: true,
    };
    expect(parseView(viewSearch(view))).toEqual(view);
    expect(parseView('?days=30').range).toEqual({ kind: 'preset', days: 30 });
  });

  it('falls back to the defaults for values it cannot use', () => {
    expect(parseView('?days=12&number=abc&agent=1&from=2026-03-05&to=2026-03-01')).toEqual(DEFAULT_VIEW);
    expect(parseView(`?tag=${'x'.repeat(51)}&team=${team}`)).toEqual({ ...DEFAULT_VIEW, teamId: team });
  });
});
