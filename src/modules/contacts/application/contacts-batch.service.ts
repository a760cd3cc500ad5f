import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../../platform/access/actor';
import { badRequest } from '../../../platform/errors/domain-error';
import { BatchItemResult, BatchRunner, MAX_BATCH_ITEMS } from '../../../platform/records/batch';
import { CompaniesService, CompanyInput, CompanyView } from './companies.service';
import { ContactInput } from './contact-input';
import { ContactsService, ContactView } from './contacts.service';

export interface BatchCommand<I> {
  create?: I[];
  update?: Array<I & { id: string }>;
}

function exactlyOne<I>(cmd: BatchCommand<I>): ['create', I[]] | ['update', Array<I & { id: string }>] {
  if (cmd.create && !cmd.update) return ['create', cmd.create];
  if (cmd.update && !cmd.create) return ['update', cmd.update];
  throw badRequest(
    `A batch holds either create or update, 1 to ${MAX_BATCH_ITEMS} items.`,
    [{ field: cmd.create ? 'update' : 'create', message: 'give exactly one of create and update' }],
    'INVALID_BATCH',
  );
}

/** `POST /contacts/batch` and `/companies/batch`: one transaction, one savepoint per item. */
@Injectable()
export class ContactsBatchService {
  constructor(
    private readonly runner: BatchRunner,
    private readonly contacts: ContactsService,
    private readonly companies: CompaniesService,
  ) {}

  @Transactional()
  async contactsBatch(actor: Actor, cmd: BatchCommand<ContactInput>, opts: { skipDuplicateCheck?: boolean }): Promise<BatchItemResult<ContactView>[]> {
    const [kind, items] = exactlyOne(cmd);
    if (kind === 'create') return this.runner.run(items, 'create', (item) => this.contacts.create(actor, item, opts), 201);
    return this.runner.run(items, 'update', ({ id, ...patch }) => this.contacts.update(actor, id, patch), 200);
  }

  @Transactional()
  async companiesBatch(actor: Actor, cmd: BatchCommand<CompanyInput>, opts: { skipDuplicateCheck?: boolean }): Promise<BatchItemResult<CompanyView>[]> {
    const [kind, items] = exactlyOne(cmd);
    if (kind === 'create') return this.runner.run(items, 'create', (item) => this.companies.create(actor, item, opts), 201);
    return this.runner.run(items, 'update', ({ id, ...patch }) => this.companies.update(actor, id, patch), 200);
  }
}
