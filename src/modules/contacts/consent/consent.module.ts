import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from '../activities/activities.module';
import { ConsentController } from './api/consent.controller';
import { PersonalDataController } from './api/personal-data.controller';
import { ConsentService } from './application/consent.service';
import { ContactAccess } from './application/contact-access';
import { PersonalDataService } from './application/personal-data.service';
import { ConsentFacade } from './consent.facade';
import { ConsentEntryEntity } from './persistence/consent-entry.entity';
import { ConsentLedgerRepository } from './persistence/consent-ledger.repository';
import { PersonalDataHolders } from './personal-data-holders';

/**
 * Consent and personal data: the consent ledger (`/contacts/{id}/consents`), evidence of each
 * grant and withdrawal per channel, append-only down to the table (marketing asks ConsentFacade
 * before it sends); GDPR access (`/contacts/{id}/personal-data`) and erasure (`/contacts/{id}/erase`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntryEntity]), ActivitiesModule, DiscoveryModule],
  controllers: [ConsentController, PersonalDataController],
  providers: [ConsentLedgerRepository, ConsentService, ContactAccess, PersonalDataService, ConsentFacade, PersonalDataHolders],
  exports: [ConsentFacade],
})
export class ConsentModule {}
