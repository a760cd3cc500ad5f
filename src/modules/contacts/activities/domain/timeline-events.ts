import { defineEvent, EventDefinition } from '../../../../platform/queue/job-definition';

/**
 * The contract for appearing on a contact's or company's timeline (see TIMELINE-EVENTS.md).
 *
 * A module publishes its own domain event through OutboxService.publish, in the transaction of
 * its change, with this payload. It imports nothing from contacts: the timeline subscribes by
 * event name. Payloads carry ids and short scalars only (jobs are capped at 4 KiB), and no
 * personal data (the summary is shown as is, and job payloads outlive erasure requests).
 */
export interface TimelineEventPayload {
  [key: string]: string | number | boolean | null | string[] | undefined;
  /** Contacts whose timeline shows the event. */
  contactIds?: string[];
  /** Companies whose timeline shows the event. */
  companyIds?: string[];
  /** When it happened (ISO 8601 with zone); defaults to when the timeline received it. */
  occurredAt?: string;
  /** The record the event is about, as a permission resource (`deals`, `tickets`, `campaigns`) and id. */
  resource?: string;
  recordId?: string;
  /** That record's owner and team: a reader sees the entry only if their scope on `resource` reaches them. */
  ownerId?: string | null;
  teamId?: string | null;
  /** One line shown on the timeline, at most 500 characters ("Deal won: Acme renewal, 12,000 EUR"). */
  summary?: string;
}

/**
 * The events the timeline listens to. Adding a line here is all a new event needs (its
 * publisher sends the payload above); an event named here that a module never publishes costs nothing.
 */
export const TIMELINE_EVENT_NAMES = [
  'deal.created',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'quote.sent',
  'quote.accepted',
  'lead.converted',
  'ticket.opened',
  'ticket.resolved',
  'ticket.closed',
  'ticket.sla_breached',
  'survey.answered',
  'campaign.email_sent',
  'campaign.email_opened',
  'campaign.link_clicked',
  'campaign.unsubscribed',
] as const;

export const TIMELINE_EVENTS: EventDefinition<TimelineEventPayload>[] = TIMELINE_EVENT_NAMES.map((name) => defineEvent<TimelineEventPayload>(name));
