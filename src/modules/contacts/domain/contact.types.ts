/** Where a contact is in the customer journey. */
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'former_customer', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** One of a contact's email addresses; `email` is normalized (trimmed, lower-case). */
export interface ContactEmail {
  email: string;
  primary: boolean;
  label: string | null;
}

/** One of a contact's phone numbers, in E.164. */
export interface ContactPhone {
  number: string;
  primary: boolean;
  label: string | null;
}

/** A contact's link to a company, with the role the person plays there. */
export interface CompanyLink {
  companyId: string;
  role: string | null;
}

export interface PostalAddress {
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface Money {
  amount: string;
  currency: string;
}

export const CUSTOM_FIELD_ENTITIES = ['contact', 'company'] as const;
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];

export type DuplicateReason = 'email' | 'phone' | 'name_company';

export interface DuplicateCandidate {
  id: string;
  score: number;
  reason: DuplicateReason;
}

export type CompanyDuplicateReason = 'domain' | 'name';

/** A live company that looks like another: the same domain (score 1) or a similar name (the similarity). */
export interface CompanyDuplicateCandidate {
  id: string;
  score: number;
  reason: CompanyDuplicateReason;
}
