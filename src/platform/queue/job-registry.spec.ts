import { defineEvent, defineJob, JobHandler } from './job-definition';
import { checkSchedules, JobRegistryError, pairJobs } from './job-registry';
import { defineSchedule } from './schedules';

const handler: JobHandler = { handle: async () => null };
const A = defineJob<{ id: string }>('test.a');
const B = defineJob<{ id: string }>('test.b');

describe('pairJobs', () => {
  it('pairs each registered job with its one handler', () => {
    const paired = pairJobs([A, B], [
      { definition: A, handler, className: 'AHandler' },
      { definition: B, handler, className: 'BHandler' },
    ]);
    expect([...paired.keys()]).toEqual(['test.a', 'test.b']);
  });

  it('names every problem at once: a job without handler, a handler without job, two handlers, a name defined twice', () => {
    const Stray = defineJob<{ id: string }>('test.stray');
    const ATwin = defineJob<{ id: string }>('test.a');
    let error: unknown;
    try {
      pairJobs([A, ATwin, B], [
        { definition: A, handler, className: 'AHandler' },
        { definition: A, handler, className: 'AOtherHandler' },
        { definition: Stray, handler, className: 'StrayHandler' },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JobRegistryError);
    const message = (error as Error).message;
    expect(message).toContain('job "test.a" is defined twice');
    expect(message).toContain('job "test.a" has more than one handler (AOtherHandler is the second)');
    expect(message).toContain('StrayHandler handles job "test.stray", which no module registers');
    expect(message).toContain('job "test.b" is registered but has no handler');
  });
});

describe('checkSchedules', () => {
  const paired = pairJobs([A, B], [
    { definition: A, handler, className: 'AHandler' },
    { definition: B, handler, className: 'BHandler' },
  ]);

  it('accepts schedules of paired jobs', () => {
    expect(() => checkSchedules([defineSchedule(A, { every: 1000 }), defineSchedule(B, { pattern: '0 3 * * *' })], paired)).not.toThrow();
  });

  it('names every problem at once: an unknown job, a duplicate id, a bad interval', () => {
    const Stray = defineJob<{ id: string }>('test.stray');
    expect(() =>
      checkSchedules([defineSchedule(Stray, { every: 1000 }), defineSchedule(A, { every: 1000 }), defineSchedule(B, { every: 5 }, { id: 'test.a' }), defineSchedule(B, { every: 0 })], paired),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/schedule "test.stray" runs job "test.stray", which is not registered with a handler[\s\S]*schedule "test.a" is declared twice[\s\S]*schedule "test.b" has an invalid interval \(0 ms\)/),
      }),
    );
  });
});

describe('defineJob / defineEvent', () => {
  it('accepts module.what names and refuses others', () => {
    expect(defineJob('contacts.reminder-due').name).toBe('contacts.reminder-due');
    expect(() => defineJob('Reminder')).toThrow(/must look like module.what/);
    expect(defineEvent('deal.stage_changed').name).toBe('deal.stage_changed');
    expect(() => defineEvent('contact created')).toThrow(/resource.verb/);
  });

  it('keeps the events a job subscribes to', () => {
    const Created = defineEvent<{ contactId: string }>('contact.created');
    const Index = defineJob<{ contactId: string }>('search.index-contact', { on: [Created], attempts: 2 });
    expect(Index.on).toEqual([Created]);
    expect(Index.options).toEqual({ attempts: 2 });
  });
});
