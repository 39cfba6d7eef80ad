import { describe, expect, it } from 'vitest';
import { ConditionNodeSchema } from '../../src/contracts/condition.schemas.ts';
import {
  FIELD_OPS,
  ROW_FIELDS,
  conditionToRows,
  newRow,
  rowsToCondition,
  type SegmentRow,
} from '../../src/web/features/contacts/segment-rows.ts';

describe('segment builder rows', () => {
  it('builds 購入済み AND NOT opted out, and reads it back', () => {
    const rows: SegmentRow[] = [
      { ...newRow(1, 'tag'), value: '購入済み' },
      { ...newRow(2, 'consent'), negate: true, value: 'opted_out' },
    ];
    const tree = rowsToCondition(rows, 'and');
    expect(tree).toEqual({
      type: 'and',
      items: [
        { type: 'tag', name: '購入済み' },
        { type: 'not', item: { type: 'consent', purpose: 'marketing', state: 'opted_out', op: '=' } },
      ],
    });
    expect(conditionToRows(tree!)).toEqual({ rows, join: 'and' });
  });

  it('leaves incomplete rows out and makes valid trees for every field and operator', () => {
    expect(rowsToCondition([newRow(1, 'tag')], 'or')).toBeNull();
    let id = 0;
    for (const field of ROW_FIELDS)
      for (const op of FIELD_OPS[field]) {
        const row: SegmentRow = {
          ...newRow(++id, field),
          op,
          key: 'plan',
          value: field === 'consent' ? 'unknown' : '3',
        };
        const tree = rowsToCondition([row], 'and');
        expect(tree, `${field} ${op}`).not.toBeNull();
        expect(ConditionNodeSchema.safeParse(tree).success, `${field} ${op}`).toBe(true);
        expect(conditionToRows(tree!)?.rows[0], `${field} ${op}`).toMatchObject({ field, op });
      }
  });

  it('says when a saved condition is not rows', () => {
    expect(
      conditionToRows({
        type: 'and',
        items: [
          { type: 'tag', name: 'a' },
          {
            type: 'or',
            items: [
              { type: 'tag', name: 'b' },
              { type: 'tag', name: 'c' },
            ],
          },
        ],
      }),
    ).toBeNull();
  });
});
