import { defineEvent } from '../../../../platform/queue/job-definition';

/**
 * One event per import run, not one per row: a million-row file would otherwise flood the outbox,
 * webhooks and the change feed. Subscribers read the import (and its receipt of created and
 * updated records) by id.
 */
export const IMPORT_COMPLETED = defineEvent<{ importId: string }>('import.completed');
export const IMPORT_REVERTED = defineEvent<{ importId: string }>('import.reverted');
