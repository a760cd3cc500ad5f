import { DomainError } from '../../../../platform/errors/domain-error';
import { parseSearchBody } from '../../../../platform/query/list-query';
import { ACTIVITY_LIST, splitLinkConditions } from './activity-list';

const C = '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11';

describe('activity link filters', () => {
  it('takes contactId/companyId out of the AND chain', () => {
    const q = parseSearchBody(ACTIVITY_LIST, { filter: { and: [{ field: 'contactId', op: 'in', value: [C] }, { field: 'type', op: 'eq', value: 'task' }] } });
    const { filter, links } = splitLinkConditions(q.filter);
    expect(links).toEqual([{ subjectType: 'contact', ids: [C] }]);
    expect(JSON.stringify(filter)).not.toContain('contactId');
  });

  it('refuses them under OR', () => {
    const q = parseSearchBody(ACTIVITY_LIST, { filter: { or: [{ field: 'companyId', op: 'eq', value: C }, { field: 'type', op: 'eq', value: 'task' }] } });
    expect(() => splitLinkConditions(q.filter)).toThrow(DomainError);
  });
});
