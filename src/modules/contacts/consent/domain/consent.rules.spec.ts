import { currentConsents } from './consent.rules';

const at = (iso: string) => new Date(iso);

describe('currentConsents', () => {
  it('is unknown on a channel without entries', () => {
    expect(currentConsents([])).toEqual([
      { channel: 'email', status: 'unknown', legalBasis: null, since: null, entryId: null },
      { channel: 'phone', status: 'unknown', legalBasis: null, since: null, entryId: null },
      { channel: 'sms', status: 'unknown', legalBasis: null, since: null, entryId: null },
    ]);
  });

  it('takes the entry that happened last, whatever order they were recorded in', () => {
    const [email] = currentConsents([
      { id: '01', channel: 'email', status: 'withdrawn', legalBasis: 'consent', occurredAt: at('2026-02-01T00:00:00Z') },
      { id: '02', channel: 'email', status: 'granted', legalBasis: 'consent', occurredAt: at('2026-01-01T00:00:00Z') },
    ]);
    expect(email).toMatchObject({ status: 'withdrawn', entryId: '01' });
  });

  it('breaks a tie in time by the entry recorded last', () => {
    const same = at('2026-01-01T00:00:00Z');
    const [, phone] = currentConsents([
      { id: '02', channel: 'phone', status: 'withdrawn', legalBasis: 'consent', occurredAt: same },
      { id: '01', channel: 'phone', status: 'granted', legalBasis: 'contract', occurredAt: same },
    ]);
    expect(phone).toMatchObject({ status: 'withdrawn', entryId: '02' });
  });
});
