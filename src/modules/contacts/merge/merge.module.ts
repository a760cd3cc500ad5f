import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from '../activities/activities.module';
import { ConsentModule } from '../consent/consent.module';
import { CompanyMergeController } from './api/company-merge.controller';
import { MergeController } from './api/merge.controller';
import { CompanyMergeService } from './application/company-merge.service';
import { MergeEngine } from './application/merge-engine';
import { MergeService } from './application/merge.service';
import { CompanyMergeEntity } from './persistence/company-merge.entity';
import { CompanyReferencesRepository } from './persistence/company-references.repository';
import { ContactErasures } from './persistence/contact-erasures';
import { ContactMergeEntity } from './persistence/contact-merge.entity';
import { ContactMergePersonalData } from './persistence/merge-personal-data';
import { MergeFacade } from './merge.facade';

/**
 * Merging duplicate contacts (`/contacts/merge`) and companies (`/companies/merge`), and undoing
 * merges (`/contacts/merges/{id}/undo`, `/companies/merges/{id}/undo`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ContactMergeEntity, CompanyMergeEntity]), ActivitiesModule, ConsentModule],
  controllers: [MergeController, CompanyMergeController],
  providers: [MergeEngine, MergeService, CompanyMergeService, CompanyReferencesRepository, ContactErasures, ContactMergePersonalData, MergeFacade],
  exports: [MergeFacade],
})
export class MergeModule {}
