import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuditAccessRegistry } from '../audit/audit-access.registry';
import { AuditService } from '../audit/audit.service';
import { IdentityFacade } from '../identity/identity.facade';
import { CursorCodec } from '../query/cursor';

/** What every ScopedRepository stands on, injected as one so a module's repository has one constructor argument. */
@Injectable()
export class RecordDeps {
  constructor(
    readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    readonly audit: AuditService,
    readonly auditAccess: AuditAccessRegistry,
    readonly cursors: CursorCodec,
    /** Who may own a record (ScopedRepository checks the owners and teams callers give). */
    readonly identity: IdentityFacade,
  ) {}
}
