/** Scoped, versioned, audited, soft-deleted primary records: what every CRM module's repository extends. */
export * from './scoped-repository';
export * from './record-deps';
export * from './scope';
export * from './etag';
export * from './batch';
export * from './records.module';
