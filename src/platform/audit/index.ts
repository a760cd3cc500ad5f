export * from './audit-log.entity';
export * from './audit.service';
export * from './audit-access.registry';
export * from './diff';
export * from './audit.module';
