import { notEditableReason, scalarOps } from '../../server/src/actions/edit-fields/fields';

const model: any = {
  uid: 'api::page.page',
  kind: 'collectionType',
  info: {},
  attributes: {
    title: { type: 'string' },
    blocks: { type: 'dynamiczone', components: ['shared.seo'] },
    faq: { type: 'component', component: 'shared.faq', repeatable: true },
    seo: { type: 'component', component: 'shared.seo' },
  },
};

describe('edit fields: what can be edited', () => {
  it.each([
    ['blocks', 'is a dynamic zone: dynamic zones cannot be edited in bulk'],
    ['faq', 'is a repeatable component: repeatable components cannot be edited in bulk'],
    ['faq.question', 'is a repeatable component: repeatable components cannot be edited in bulk'],
    ['seo', 'is a component: name one of its fields, e.g. "seo.<field>"'],
  ])('%s is refused with a reason', (name, reason) => {
    expect(notEditableReason(model, name)).toBe(reason);
  });

  it.each(['title', 'nope', 'constructor', '__proto__', 'toString'])('%s gets no special reason', (name) => {
    expect(notEditableReason(model, name)).toBeNull();
  });

  it('offers computed operations only where SQL can check the result', () => {
    expect(scalarOps({ type: 'string' } as any)).toContain('append');
    expect(scalarOps({ type: 'string', regex: '^a' } as any)).toEqual(['set', 'clear']);
    expect(scalarOps({ type: 'integer' } as any)).toEqual(['set', 'clear', 'increment', 'decrement', 'multiply', 'percent']);
    expect(scalarOps({ type: 'json' } as any)).toBeNull();
  });
});
