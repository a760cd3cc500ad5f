import { filterError, FilterCondition, FilterNode } from '../../../../platform/query/filter';
import { defineListSpec, OWNED_RECORD_FIELDS } from '../../../../platform/query/list-spec';
import { ACTIVITY_TYPES, CALL_DIRECTIONS, SubjectType, TASK_PRIORITIES, TASK_STATUSES } from '../domain/activity.types';

/** Filters on what an activity relates to: answered from the link table, not a column. */
export const LINK_FILTER_FIELDS: Readonly<Record<string, SubjectType>> = { contactId: 'contact', companyId: 'company' };

export const ACTIVITY_LIST = defineListSpec({
  resource: 'activities',
  softDelete: true,
  search: ['subject', 'body'],
  fields: {
    ...OWNED_RECORD_FIELDS,
    type: { type: 'enum', values: ACTIVITY_TYPES, nullable: false },
    subject: { type: 'string', sortable: true },
    body: { type: 'text' },
    occurredAt: { type: 'timestamp', sortable: true, nullable: false },
    direction: { type: 'enum', values: CALL_DIRECTIONS },
    startAt: { type: 'timestamp', sortable: true },
    assigneeId: { type: 'uuid' },
    dueAt: { type: 'timestamp', sortable: true, description: 'ranges: filter[dueAt][gte]=…&filter[dueAt][lt]=…; isNull' },
    status: { type: 'enum', values: TASK_STATUSES },
    priority: { type: 'enum', values: TASK_PRIORITIES },
    remindAt: { type: 'timestamp', sortable: true },
    completedAt: { type: 'timestamp', sortable: true },
    contactId: { type: 'uuid', ops: ['eq', 'in'], description: 'activities related to this contact (or any of these)' },
    companyId: { type: 'uuid', ops: ['eq', 'in'], description: 'activities related to this company (or any of these)' },
  },
});

export interface LinkCondition {
  subjectType: SubjectType;
  ids: string[];
}

/**
 * Takes the contactId/companyId conditions out of a parsed filter (they become EXISTS over the
 * link table). They must hold for every row, so they may sit at the top level or in its AND
 * chain only; inside an OR they are refused rather than answered wrongly.
 */
export function splitLinkConditions(node: FilterNode | null): { filter: FilterNode | null; links: LinkCondition[] } {
  if (!node) return { filter: null, links: [] };
  const links: LinkCondition[] = [];
  const asLink = (c: FilterCondition): LinkCondition => ({ subjectType: LINK_FILTER_FIELDS[c.field.name], ids: Array.isArray(c.value) ? c.value : [String(c.value)] });
  const walk = (n: FilterNode, topChain: boolean): FilterNode | null => {
    if (n.kind === 'condition') {
      if (!(n.field.name in LINK_FILTER_FIELDS)) return n;
      if (!topChain) throw filterError(`filter[${n.field.name}]`, 'may only be combined with AND');
      links.push(asLink(n));
      return null;
    }
    const kept = n.nodes.map((child) => walk(child, topChain && n.kind === 'and')).filter((x): x is FilterNode => x !== null);
    return kept.length ? { kind: n.kind, nodes: kept } : null;
  };
  return { filter: walk(node, true), links };
}
