import { describe, expect, it } from 'vitest';
import {
  checkModel,
  fromModel,
  previewContent,
  switchKind,
  toModel,
} from '../../src/web/features/automation/response.ts';

describe('response editor model', () => {
  it('round-trips text (keeping extra fields), buttons, lists and menu references', () => {
    const text = { type: 'text', text: { body: 'こんにちは {{contact.name}}', preview_url: true } };
    expect(fromModel(toModel(text))).toEqual(text);
    const menu = { type: 'menu', menuId: 'main' };
    expect(fromModel(toModel(menu))).toEqual(menu);
    const buttons = fromModel({
      ...toModel(undefined),
      kind: 'buttons',
      body: 'どちら？',
      buttons: ['返品', '交換'],
    });
    expect(toModel(buttons)).toMatchObject({ kind: 'buttons', body: 'どちら？', buttons: ['返品', '交換'] });
    const list = fromModel({
      ...toModel(undefined),
      kind: 'list',
      body: 'Choose',
      listButton: 'Menu',
      rows: [{ title: 'Hours', description: '' }],
    });
    expect(list).toMatchObject({
      interactive: {
        type: 'list',
        action: { button: 'Menu', sections: [{ rows: [{ id: 'r1', title: 'Hours' }] }] },
      },
    });
    expect(toModel(list).rows).toEqual([{ title: 'Hours', description: '' }]);
  });

  it('keeps anything else as JSON, untouched', () => {
    const image = { type: 'image', image: { link: 'https://example.com/a.png' } };
    const m = toModel(image);
    expect(m.kind).toBe('json');
    expect(fromModel(m)).toBe(image);
  });

  it('switches kind keeping the text', () => {
    const m = switchKind(toModel({ type: 'text', text: { body: 'Hi' } }), 'buttons');
    expect(m).toMatchObject({ kind: 'buttons', body: 'Hi', buttons: [''] });
  });

  it('checks the obvious limits', () => {
    const m = {
      ...toModel(undefined),
      kind: 'buttons' as const,
      body: 'x',
      buttons: ['a'.repeat(21), 'b', 'c', 'd'],
    };
    const keys = checkModel(m).map((p) => `${p.key}@${p.at}`);
    expect(keys).toEqual(['tooMany@buttons', 'tooLong@buttons.0']);
    expect(checkModel(toModel({ type: 'text', text: { body: '' } })).map((p) => p.key)).toEqual(['empty']);
    expect(checkModel(toModel({ type: 'menu', menuId: '' })).map((p) => p.key)).toEqual(['noMenu']);
  });

  it('previews a menu reference as its numbered text', () => {
    const p = previewContent({ type: 'menu', menuId: 'm' }, [
      { id: 'm', header: 'ご用件は？', options: [{ title: '返品' }, { title: '配送' }] },
    ]);
    expect(p?.content).toEqual({ type: 'text', text: { body: 'ご用件は？\n\n1. 返品\n2. 配送' } });
    expect(previewContent({ type: 'menu', menuId: 'x' }, [])).toBeNull();
  });
});
