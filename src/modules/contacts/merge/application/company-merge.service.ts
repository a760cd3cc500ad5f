import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Actor } from '../../../../platform/access/actor';
import { invalid } from '../../../../platform/errors/domain-error';
import { ActivitiesFacade } from '../../activities/activities.facade';
import { CompaniesService } from '../../application/companies.service';
import { CompanyEntity } from '../../persistence/company.entity';
import { CompanyRepository } from '../../persistence/company.repository';
import {
  CompanyChoosableField,
  CompanyFieldChoices,
  CompanyMergeSide,
  mergedCompanyInput,
  parentSource,
  resolveParent,
  restoreCompanyInput,
  undoableCompanyState,
} from '../domain/company-merge.rules';
import { CompanyMergeEntity, CompanyMergeReceipt } from '../persistence/company-merge.entity';
import { CompanyReferencesRepository } from '../persistence/company-references.repository';
import { COMPANY_MERGED, COMPANY_MERGE_UNDONE } from '../../events/contacts.events';
import { found, MergeEngine, MergeSubject, MergeUseCase } from './merge-engine';

/**
 * Merging duplicate companies, and undoing it (MergeEngine runs the workflow): the primary takes
 * the chosen fields and the union of domains, tags and custom field values; the duplicates'
 * activities and timeline entries, their contacts' links and their subsidiaries move to it.
 * The primary's place in the company tree never closes a cycle (see `resolveParent`).
 */
@Injectable()
export class CompanyMergeService extends MergeUseCase<CompanyEntity, CompanyMergeReceipt, CompanyChoosableField, CompanyMergeEntity> {
  constructor(
    moduleRef: ModuleRef,
    engine: MergeEngine,
    private readonly activities: ActivitiesFacade,
    private readonly references: CompanyReferencesRepository,
  ) {
    super(moduleRef, engine);
  }

  private get service(): CompaniesService {
    return this.provider(CompaniesService);
  }

  private get companies(): CompanyRepository {
    return this.provider(CompanyRepository);
  }

  protected readonly subject: MergeSubject<CompanyEntity, CompanyMergeReceipt, CompanyChoosableField> = {
    noun: 'company',
    resource: 'companies',
    record: CompanyMergeEntity,
    events: { merged: COMPANY_MERGED, undone: COMPANY_MERGE_UNDONE },
    lockPrimary: (actor, id) => this.companies.lockForUpdate(actor, id),
    lockDuplicate: (actor, id) => this.companies.lockForDelete(actor, id),
    canSee: (actor, id) => this.companies.canRead(actor, id),
    inRecycleBin: (actor, id) => found(this.companies.findOne(actor, id, { deleted: 'deleted' })),
    fold: async (actor, primary, duplicates, choices: CompanyFieldChoices) => {
      const ids = duplicates.map((d) => d.id);
      const merged = new Set([primary.id, ...ids]);
      const wanted = parentSource([primary, ...duplicates], choices);
      // The wanted parent's ancestors as they were: the tree changes below.
      const chain = wanted.parentId ? await this.references.selfAndAncestors(wanted.parentId) : [];

      const activities = await this.activities.moveSubject('company', ids, primary.id);
      const contactLinks = await this.references.moveContactLinks(actor, ids, primary.id);
      const subsidiaries = await this.references.moveSubsidiaries(actor, ids, primary.id, [...merged]);

      const live = await this.liveCustomFields('company');
      const input = mergedCompanyInput(primary, duplicates, choices, live);
      const parent = await this.parentAfterMerge(actor, primary, resolveParent(chain, merged, await this.references.selfAndDescendants(primary.id), wanted.chosen), wanted.chosen);
      if (parent !== primary.parentCompanyId) input.parentCompanyId = parent;
      const after = await this.service.update(actor, primary.id, input);
      return { receipt: { activities, contactLinks, subsidiaries }, primaryVersion: after.company.version };
    },
    remove: (actor, id) => this.service.remove(actor, id),
    restore: async (actor, id) => void (await this.service.restore(actor, id)),
    undoableState: (company) => undoableCompanyState(company),
    unfold: async (actor, merge, primary) => {
      await this.activities.undoMove(merge.receipt.activities);
      await this.references.moveBackSubsidiaries(actor, merge.receipt.subsidiaries, merge.primaryId);
      await this.references.moveBackContactLinks(actor, merge.receipt.contactLinks, merge.primaryId);
      await this.service.update(actor, merge.primaryId, restoreCompanyInput(merge.snapshots[merge.primaryId] as unknown as CompanyMergeSide, primary));
    },
  };

  /**
   * A new parent must be a company the caller can see: a chosen one that is not is a 400; one
   * reached by default (a duplicate's parent, or an ancestor above a duplicate) is left out: the primary gets no parent.
   */
  private async parentAfterMerge(actor: Actor, primary: CompanyEntity, parent: string | null, chosen: boolean): Promise<string | null> {
    if (parent === null || parent === primary.parentCompanyId) return parent;
    if ((await this.companies.readableIds(actor, [parent])).has(parent)) return parent;
    if (chosen) throw invalid('fieldChoices.parentCompanyId', 'is not a company you can see');
    return null;
  }
}
