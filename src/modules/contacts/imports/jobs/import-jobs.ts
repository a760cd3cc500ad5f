import { defineJob, JobDefinition } from '../../../../platform/queue/job-definition';

/**
 * Runs an import. Its id is derived from the import's, so one import has one run job; a retry
 * after a crash resumes after the rows the import has committed.
 */
export const ImportRunJob = defineJob<{ importId: string }>('contacts.import-run', { attempts: 5 });

/** Reverts an import (records it created removed, records it updated put back); the actor is who asked, for the audit log. */
export const ImportRevertJob = defineJob<{ importId: string; actorType: string; actorId: string }>('contacts.import-revert', { attempts: 5 });

export const IMPORT_JOBS: JobDefinition[] = [ImportRunJob, ImportRevertJob as JobDefinition];
