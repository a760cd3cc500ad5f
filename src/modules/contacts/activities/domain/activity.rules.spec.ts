import { resolveActivity } from './activity.rules';

const now = new Date('2026-03-01T09:00:00.000Z');
const ctx = { now, actorUserId: 'u1' };

describe('activity rules', () => {
  it('names every problem of a write at once', () => {
    const { errors } = resolveActivity('call', null, { dueAt: '2026-03-02T00:00:00Z', status: 'done' }, ctx);
    expect(errors.map((e) => e.field).sort()).toEqual(['direction', 'dueAt', 'status']);
  });

  it('defaults a new task and stamps completion on done', () => {
    const open = resolveActivity('task', null, { subject: 'Call' }, ctx);
    expect(open.errors).toEqual([]);
    expect(open.values).toMatchObject({ status: 'open', priority: 'normal', assigneeId: 'u1', completedAt: null, occurredAt: now });
    const done = resolveActivity('task', null, { subject: 'Call', status: 'done' }, ctx);
    expect(done.values.completedAt).toEqual(now);
  });

  it('clears reminderSentAt only when remindAt really moves', () => {
    const current = { ...resolveActivity('task', null, { subject: 'Call', remindAt: '2026-03-02T10:00:00Z' }, ctx).values, reminderSentAt: now } as never;
    expect(resolveActivity('task', current, { remindAt: '2026-03-02T10:00:00.000Z' }, ctx).values.reminderSentAt).toBeUndefined();
    expect(resolveActivity('task', current, { remindAt: '2026-03-02T11:00:00Z' }, ctx).values.reminderSentAt).toBeNull();
  });

  it('checks a meeting against its stored start on a patch', () => {
    const current = resolveActivity('meeting', null, { startAt: '2026-03-02T10:00:00Z' }, ctx).values as never;
    expect(resolveActivity('meeting', current, { endAt: '2026-03-02T09:00:00Z' }, ctx).errors).toEqual([{ field: 'endAt', message: 'must not be before startAt' }]);
  });
});
