/** Channels a person can be reached on, each with its own consent history. */
export const CONSENT_CHANNELS = ['email', 'phone', 'sms'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** The lawful bases of GDPR art. 6(1). */
export const LEGAL_BASES = ['consent', 'contract', 'legitimate_interest', 'legal_obligation', 'vital_interest', 'public_task'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** A channel's status as the ledger says; `unknown` when nothing was ever recorded (not a grant). */
export interface ChannelConsent {
  channel: ConsentChannel;
  status: ConsentStatus | 'unknown';
  legalBasis: LegalBasis | null;
  since: Date | null;
  entryId: string | null;
}

/** How far ahead of the server clock a recorded `occurredAt` may be (client clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
