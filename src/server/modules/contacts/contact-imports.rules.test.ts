import { describe, expect, it } from 'vitest';
import { attributeFromCell, attributeProblems } from './contact-attributes.rules.ts';
import {
  detectEncoding,
  foldBatch,
  readRow,
  resolveColumns,
  rowColumns,
  type ImportedRow,
} from './contact-imports.rules.ts';
import { csvCell, csvLine, unneutraliseFormula } from './contacts-csv.rules.ts';

describe('import rules', () => {
  it('detects the encoding from the BOM, else UTF-8 validity', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), true)).toBe('utf-8');
    expect(detectEncoding(Uint8Array.from([0xff, 0xfe, 0x61, 0]), false)).toBe('utf-16le');
    expect(detectEncoding(Uint8Array.from([0xfe, 0xff, 0, 0x61]), false)).toBe('utf-16be');
    expect(detectEncoding(Uint8Array.from([0x61]), true)).toBe('utf-8');
    expect(detectEncoding(Uint8Array.from([0x93, 0x64]), false)).toBe('shift_jis');
  });

  it('keeps an audience row’s cells by header: trimmed, formula quote undone, first of equal headers', () => {
    expect(rowColumns([' +8190 ', "'=1+1", 'a', 'b', 'x'], ['phone', 'coupon', 'dup', 'dup', ''])).toEqual({
      phone: '+8190',
      coupon: '=1+1',
      dup: 'a',
    });
  });

  it('maps headers by name or mapping and needs exactly one phone column', () => {
    expect(resolveColumns(['Name', 'x'], null)).toEqual({
      error: 'no phone column (map one with `mapping`)',
    });
    const cols = resolveColumns(['電話', '氏名', 'memo'], { 電話: 'phone', 氏名: 'name' });
    expect('fields' in cols && cols.fields.map((f) => f.kind)).toEqual(['phone', 'name', 'ignored']);
  });

  it('reads a row into fields or reports every cell at fault', () => {
    const cols = resolveColumns(['phone', 'name', 'tags', 'attr.n', 'consent'], null);
    if ('error' in cols) throw new Error(cols.error);
    const attributes = new Map([['n', { key: 'n', type: 'number' as const, choices: [] }]]);
    const ctx = { ...cols, attributes };
    expect(readRow(['+819012345678', ' A ', 'x; y;x', '1,500', 'OPTED_IN'], 2, ctx)).toMatchObject({
      ok: true,
      value: {
        waId: '819012345678',
        name: 'A',
        tags: ['x', 'y'],
        attributes: { n: 1500 },
        consent: 'opted_in',
      },
    });
    const bad = readRow(['nope', '', '', 'x', 'maybe'], 3, ctx);
    expect(!bad.ok && bad.errors.map((e) => e.code)).toEqual([
      'phone_invalid',
      'attribute_invalid',
      'consent_invalid',
    ]);
    const ragged = readRow(['+819012345678'], 4, ctx);
    expect(!ragged.ok && ragged.errors[0]?.code).toBe('row_ragged');
    expect(readRow(["'+819012345678", '', '', '', ''], 5, ctx).ok).toBe(true);
  });

  it('folds repeated phones into one write per contact, in file order', () => {
    const row = (n: number, waId: string, name: string): ImportedRow => ({
      row: n,
      waId,
      e164: `+${waId}`,
      country: 'JP',
      name,
      tags: [name],
      attributes: { [name]: n },
      consent: null,
    });
    const rows = [row(2, '1', 'a'), row(3, '2', 'b'), row(4, '1', 'c')];
    const update = foldBatch(rows, new Set(['1']), 'update');
    expect(update.outcomes).toEqual(['created', 'updated', 'updated']);
    expect(update.writes.get('1')).toMatchObject({ name: 'c', tags: ['a', 'c'], attributes: { a: 2, c: 4 } });
    const skip = foldBatch(rows, new Set(['1']), 'skip');
    expect(skip.outcomes).toEqual(['created', 'skipped', 'skipped']);
    expect(skip.writes.get('1')?.name).toBe('a');
    expect(skip.writes.has('2')).toBe(false);
  });

  it('reads attribute cells as spreadsheets write them', () => {
    const def = (type: 'number' | 'date' | 'boolean' | 'choice') => ({ key: 'k', type, choices: ['a'] });
    expect(attributeFromCell(def('date'), '2026/3/1')).toEqual({ ok: true, value: '2026-03-01' });
    expect(attributeFromCell(def('date'), '2026-02-30').ok).toBe(false);
    expect(attributeFromCell(def('boolean'), 'Yes')).toEqual({ ok: true, value: true });
    expect(attributeFromCell(def('number'), '1,2,3').ok).toBe(false);
    expect(attributeFromCell(def('choice'), 'b').ok).toBe(false);
    expect(attributeFromCell(undefined, ' as typed ')).toEqual({ ok: true, value: ' as typed ' });
  });

  it('checks attribute writes only once a schema exists; null always clears', () => {
    expect(attributeProblems(new Map(), { any: { x: 1 } })).toEqual([]);
    const defs = new Map([['vip', { key: 'vip', type: 'boolean' as const, choices: [] }]]);
    expect(attributeProblems(defs, { vip: true, legacy: null })).toEqual([]);
    expect(attributeProblems(defs, { vip: 'yes', vipp: true }).map((p) => p.key)).toEqual(['vip', 'vipp']);
  });

  it('neutralises formulas and quotes CSV cells', () => {
    for (const f of ['=1+1', '+81', '-2', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(f).replace(/^"/, '')[0]).toBe("'");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvLine(['x', '=y'])).toBe("x,'=y\r\n");
    expect(unneutraliseFormula("'=y")).toBe('=y');
    expect(unneutraliseFormula("'plain")).toBe("'plain");
  });
});
