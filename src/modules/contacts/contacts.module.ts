import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActivitiesModule } from './activities/activities.module';
import { ImportsModule } from './imports/imports.module';
import { ConsentModule } from './consent/consent.module';
import { MergeModule } from './merge/merge.module';
import { CompaniesController } from './api/companies.controller';
import { ContactsController } from './api/contacts.controller';
import { CustomFieldsController } from './api/custom-fields.controller';
import { TagsController } from './api/tags.controller';
import { CompaniesService } from './application/companies.service';
import { ContactsDemoSeeder } from './application/contacts-demo.seeder';
import { ContactsBatchService } from './application/contacts-batch.service';
import { ContactsService } from './application/contacts.service';
import { CustomFieldsService } from './application/custom-fields.service';
import { TagsService } from './application/tags.service';
import { ContactsFacade } from './contacts.facade';
import { CompanyRepository } from './persistence/company.repository';
import { NameWordsHousekeeping } from './persistence/name-words.housekeeping';
import { ContactRepository } from './persistence/contact.repository';
import { CustomFieldRepository } from './persistence/custom-field.repository';
import { CONTACTS_ENTITIES } from './persistence/entities';

/**
 * People, companies, their tags and custom fields. The custom field definitions (`/custom-fields`,
 * a platform resource) live here because contacts and companies are the only records that
 * have them; the value types and checks are generic, in platform/custom-fields.
 */
@Module({
  imports: [TypeOrmModule.forFeature(CONTACTS_ENTITIES), ActivitiesModule, ImportsModule, ConsentModule, MergeModule],
  controllers: [ContactsController, CompaniesController, CustomFieldsController, TagsController],
  providers: [
    ContactRepository,
    CompanyRepository,
    CustomFieldRepository,
    ContactsService,
    CompaniesService,
    CustomFieldsService,
    TagsService,
    ContactsBatchService,
    ContactsFacade,
    ContactsDemoSeeder,
    NameWordsHousekeeping,
  ],
  exports: [ContactsFacade],
})
export class ContactsModule {}
