import { CompanyEntity } from './company.entity';
import { ContactEntity } from './contact.entity';
import { CustomFieldDefinitionEntity } from './custom-field-definition.entity';

export const CONTACTS_ENTITIES = [ContactEntity, CompanyEntity, CustomFieldDefinitionEntity];
