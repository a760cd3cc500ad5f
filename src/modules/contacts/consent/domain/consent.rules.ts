import { CONSENT_CHANNELS, ChannelConsent } from './consent.types';

interface LedgerEntry {
  id: string;
  channel: ChannelConsent['channel'];
  status: 'granted' | 'withdrawn';
  legalBasis: NonNullable<ChannelConsent['legalBasis']>;
  occurredAt: Date;
}

/**
 * The status per channel: the entry that happened last wins; on a tie, the one recorded last
 * (ids are v7, so they order by recording time).
 */
export function currentConsents(entries: readonly LedgerEntry[]): ChannelConsent[] {
  return CONSENT_CHANNELS.map((channel) => {
    let latest: LedgerEntry | null = null;
    for (const e of entries) {
      if (e.channel !== channel) continue;
      if (!latest || e.occurredAt.getTime() > latest.occurredAt.getTime() || (e.occurredAt.getTime() === latest.occurredAt.getTime() && e.id > latest.id)) latest = e;
    }
    return latest
      ? { channel, status: latest.status, legalBasis: latest.legalBasis, since: latest.occurredAt, entryId: latest.id }
      : { channel, status: 'unknown', legalBasis: null, since: null, entryId: null };
  });
}
