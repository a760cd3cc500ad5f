import { Injectable } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { Actor } from '../../../platform/access/actor';
import { applyCustomValues, CustomFieldShape, visibleCustomValues } from '../../../platform/custom-fields/custom-field-types';
import { FieldError } from '../../../platform/errors/domain-error';
import { Page, parseListQueryString, parseSearchBody } from '../../../platform/query/list-query';
import { OutboxService } from '../../../platform/queue/outbox.service';
import { WriteOptions } from '../../../platform/records/scoped-repository';
import { CompanyDuplicateCandidate } from '../domain/contact.types';
import { possibleCompanyDuplicate, validationFailed } from '../domain/contacts.errors';
import { companySearchText, contactSearchText, normalizeDomain } from '../domain/normalize';
import { COMPANY_CREATED, COMPANY_DELETED, COMPANY_RESTORED, COMPANY_UPDATED } from '../events/contacts.events';
import { CompanyEntity } from '../persistence/company.entity';
import { CompanyRepository } from '../persistence/company.repository';
import { ContactRepository } from '../persistence/contact.repository';
import { listSpecWithCustomFields } from '../persistence/list-specs';
import { MergeFacade } from '../merge/merge.facade';
import { cleanTags } from './contact-input';
import { CustomFieldsService } from './custom-fields.service';

export interface CompanyInput {
  externalId?: string | null;
  name?: string;
  domains?: string[] | null;
  industry?: string | null;
  employees?: number | null;
  annualRevenue?: { amount: string; currency: string } | null;
  address?: { street?: string | null; city?: string | null; region?: string | null; postalCode?: string | null; country?: string | null } | null;
  parentCompanyId?: string | null;
  tags?: string[] | null;
  ownerId?: string | null;
  teamId?: string | null;
  customFields?: Record<string, unknown> | null;
}

export interface CompanyView {
  company: CompanyEntity;
  customFields: Record<string, unknown>;
}

export interface CreateCompanyOptions {
  /** Create even when it looks like an existing company. */
  skipDuplicateCheck?: boolean;
}

type CompanyData = Partial<Omit<CompanyEntity, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'deletedAt'>>;

export const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const text = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : v.trim() || null);

@Injectable()
export class CompaniesService {
  constructor(
    private readonly companies: CompanyRepository,
    private readonly contacts: ContactRepository,
    private readonly customFields: CustomFieldsService,
    private readonly outbox: OutboxService,
    private readonly merges: MergeFacade,
  ) {}

  async listSpec() {
    return listSpecWithCustomFields('companies', await this.customFields.shapes('company'));
  }

  async list(actor: Actor, rawQuery: unknown): Promise<Page<CompanyView>> {
    const defs = await this.customFields.shapes('company');
    return this.page(defs, await this.companies.list(actor, parseListQueryString(listSpecWithCustomFields('companies', defs), rawQuery)));
  }

  async search(actor: Actor, body: unknown): Promise<Page<CompanyView>> {
    const defs = await this.customFields.shapes('company');
    return this.page(defs, await this.companies.list(actor, parseSearchBody(listSpecWithCustomFields('companies', defs), body)));
  }

  async count(actor: Actor, rawQuery: unknown): Promise<number> {
    return this.companies.count(actor, parseListQueryString(await this.listSpec(), rawQuery));
  }

  async get(actor: Actor, id: string): Promise<CompanyView> {
    return this.view(await this.companies.findOne(actor, id), await this.customFields.shapes('company'));
  }

  @Transactional()
  async create(actor: Actor, input: CompanyInput, opts: CreateCompanyOptions = {}): Promise<CompanyView> {
    const defs = await this.customFields.shapes('company');
    const data = await this.prepare(actor, input, null, defs);
    if (!opts.skipDuplicateCheck) {
      const candidates = await this.duplicatesOf(actor, data, undefined);
      if (candidates.length) throw possibleCompanyDuplicate(candidates);
    }
    const company = await this.companies.create(actor, data);
    await this.outbox.publish(COMPANY_CREATED, { companyId: company.id });
    return this.view(company, defs);
  }

  @Transactional()
  async update(actor: Actor, id: string, input: CompanyInput, opts: WriteOptions = {}): Promise<CompanyView> {
    const defs = await this.customFields.shapes('company');
    const current = await this.companies.lockForUpdate(actor, id);
    const data = await this.prepare(actor, input, current, defs);
    const company = await this.companies.update(actor, id, data, opts);
    if (company.version !== current.version) await this.outbox.publish(COMPANY_UPDATED, { companyId: id });
    if (company.name !== current.name) await this.refreshContactsOf(id);
    return this.view(company, defs);
  }

  @Transactional()
  async remove(actor: Actor, id: string, opts: WriteOptions = {}): Promise<void> {
    await this.companies.softDelete(actor, id, opts);
    await this.outbox.publish(COMPANY_DELETED, { companyId: id });
  }

  @Transactional()
  async restore(actor: Actor, id: string, opts: WriteOptions = {}): Promise<CompanyView> {
    const company = await this.companies.restore(actor, id, opts);
    // Scope checked (and the row locked) by the restore above; a refusal rolls it back.
    await this.merges.refuseRestoreOfMerged('company', id);
    await this.outbox.publish(COMPANY_RESTORED, { companyId: id });
    return this.view(company, await this.customFields.shapes('company'));
  }

  /** Companies that look like this one (a shared domain, or a very similar name). */
  async duplicates(actor: Actor, id: string): Promise<CompanyDuplicateCandidate[]> {
    const c = await this.companies.findOne(actor, id);
    return this.duplicatesOf(actor, c, id);
  }

  private duplicatesOf(actor: Actor, c: CompanyData, excludeId: string | undefined): Promise<CompanyDuplicateCandidate[]> {
    return this.companies.findDuplicates(actor, { domains: c.domains ?? [], name: c.name ?? '', excludeId });
  }

  /** A renamed company is found under its new name in its people's `q` search. */
  private async refreshContactsOf(companyId: string): Promise<void> {
    const linked = await this.contacts.contactsLinkedTo(companyId);
    const names = await this.companies.namesOf([...new Set(linked.flatMap((c) => c.companyIds))]);
    await this.contacts.setSearchText(
      linked.map((c) => ({
        id: c.id,
        searchText: contactSearchText({ ...c, companyNames: c.companyIds.map((i) => names.get(i)).filter((n): n is string => !!n) }),
      })),
    );
  }

  private async prepare(actor: Actor, input: CompanyInput, current: CompanyEntity | null, defs: readonly CustomFieldShape[]): Promise<CompanyData> {
    const errors: FieldError[] = [];
    const data: CompanyData = {};
    if (input.name !== undefined || current === null) {
      const name = text(input.name ?? null);
      if (!name) errors.push({ field: 'name', message: 'is required' });
      else data.name = name;
    }
    if (input.domains !== undefined) {
      const domains: string[] = [];
      (input.domains ?? []).forEach((raw, i) => {
        const d = normalizeDomain(raw);
        if (!DOMAIN.test(d)) errors.push({ field: `domains[${i}]`, message: 'is not a domain name' });
        else if (!domains.includes(d)) domains.push(d);
      });
      data.domains = domains;
    }
    if (input.externalId !== undefined) data.externalId = text(input.externalId);
    if (input.industry !== undefined) data.industry = text(input.industry);
    if (input.employees !== undefined) data.employees = input.employees;
    if (input.annualRevenue !== undefined) {
      data.annualRevenueAmount = input.annualRevenue?.amount ?? null;
      data.annualRevenueCurrency = input.annualRevenue?.currency.toUpperCase() ?? null;
    }
    if (input.address !== undefined) {
      const a = input.address ?? {};
      data.street = text(a.street) ?? null;
      data.city = text(a.city) ?? null;
      data.region = text(a.region) ?? null;
      data.postalCode = text(a.postalCode) ?? null;
      data.country = a.country ? a.country.toUpperCase() : null;
    }
    if (input.parentCompanyId !== undefined) {
      const parent = input.parentCompanyId?.toLowerCase() ?? null;
      if (parent !== null) {
        if (!(await this.companies.readableIds(actor, [parent])).has(parent)) errors.push({ field: 'parentCompanyId', message: 'is not a company you can see' });
        else if (current && (await this.companies.isSelfOrDescendant(current.id, parent))) {
          errors.push({ field: 'parentCompanyId', message: 'would make the company its own ancestor' });
        }
      }
      data.parentCompanyId = parent;
    }
    const tags = cleanTags(input.tags);
    if (tags) data.tags = tags;
    if (input.ownerId !== undefined) data.ownerId = input.ownerId;
    if (input.teamId !== undefined) data.teamId = input.teamId;
    if (input.customFields !== undefined || current === null) {
      const r = applyCustomValues(defs, current?.customFields ?? {}, input.customFields ?? undefined, current === null);
      errors.push(...r.problems);
      data.customFields = r.values;
    }
    if (errors.length) throw validationFailed(errors);
    data.searchText = companySearchText({ name: data.name ?? current?.name ?? '', domains: data.domains ?? current?.domains ?? [] });
    return data;
  }

  private view(company: CompanyEntity, defs: readonly CustomFieldShape[]): CompanyView {
    return { company, customFields: visibleCustomValues(defs, company.customFields) };
  }

  private page(defs: readonly CustomFieldShape[], page: Page<CompanyEntity>): Page<CompanyView> {
    return { data: page.data.map((c) => this.view(c, defs)), page: page.page };
  }
}
