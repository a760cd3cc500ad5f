import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { CLS_ACTOR, SYSTEM_ACTOR } from '../../../platform/access/actor';
import { DemoSeedContext, DemoSeeder, DemoSeederStep } from '../../../platform/ops/seed/demo-seeder';
import { DEMO_SHARED } from '../../../platform/ops/seed/platform-demo.seeder';
import { LIFECYCLE_STAGES } from '../domain/contact.types';
import { CustomFieldRepository } from '../persistence/custom-field.repository';
import { CompaniesService } from './companies.service';
import { ContactsService } from './contacts.service';
import { CustomFieldsService } from './custom-fields.service';

const FIRST = ['Anna', 'Jānis', 'Līga', 'Mārtiņš', 'Sofia', 'Lucas', 'Émilie', 'Björn', 'Zoë', 'Mateo', 'Olivia', 'Noah', 'Inés', 'Kristaps', 'Ilze', 'Søren'];
const LAST = ['Bērziņa', 'Ozols', 'Kalniņa', 'Müller', 'García', 'Dubois', 'Nordström', 'Rossi', 'Novak', 'Jensen', 'Lefèvre', 'Kowalski', 'Silva', 'Petrović'];
const CITIES: Array<[string, string]> = [['Riga', 'LV'], ['Tallinn', 'EE'], ['Vilnius', 'LT'], ['Berlin', 'DE'], ['Paris', 'FR'], ['Madrid', 'ES'], ['Stockholm', 'SE']];
const INDUSTRIES = ['Forestry', 'Software', 'Logistics', 'Retail', 'Manufacturing', 'Finance'];
const TAGS = ['vip', 'newsletter', 'partner', 'trade-show', 'churn-risk', 'referral'];
const WORDS = ['Baltic', 'Nordic', 'Amber', 'Granite', 'Harbor', 'Pine', 'Aurora', 'Delta', 'Vista', 'Summit'];
const SUFFIX = ['Timber', 'Systems', 'Logistics', 'Trading', 'Works', 'Labs'];

const COMPANIES = 120;
const CONTACTS = 360;
const MARKER_EMAIL = 'demo.contact.0000@example.com';

/** A seeded generator: the demo company is the same on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `crm seed:demo`: companies and contacts with tags and custom fields, across the demo teams North and South. */
@Injectable()
@DemoSeederStep('contacts: companies and contacts', 200)
export class ContactsDemoSeeder implements DemoSeeder {
  constructor(
    private readonly cls: ClsService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly customFields: CustomFieldsService,
    private readonly definitions: CustomFieldRepository,
    private readonly companies: CompaniesService,
    private readonly contacts: ContactsService,
  ) {}

  async seed(ctx: DemoSeedContext): Promise<void> {
    await this.cls.run(async () => {
      this.cls.set(CLS_ACTOR, SYSTEM_ACTOR);
      // One transaction: all of the demo or none of it, and one commit instead of hundreds.
      await this.txHost.withTransaction(() => this.seedInContext(ctx));
    });
  }

  private async seedInContext(ctx: DemoSeedContext): Promise<void> {
    const actor = SYSTEM_ACTOR;
    const existing = await this.contacts.count(actor, { 'filter[emails][contains]': MARKER_EMAIL });
    if (existing > 0) {
      ctx.print('  demo contacts exist already');
      return;
    }
    const teams = (ctx.shared.get(DEMO_SHARED.teams) as Map<string, string> | undefined) ?? new Map<string, string>();
    const users = (ctx.shared.get(DEMO_SHARED.users) as Map<string, string> | undefined) ?? new Map<string, string>();
    const owners: Array<[string | null, string | null]> = [
      [users.get('sales.north.1') ?? null, teams.get('North') ?? null],
      [users.get('sales.north.2') ?? null, teams.get('North') ?? null],
      [users.get('sales.south.1') ?? null, teams.get('South') ?? null],
      [users.get('sales.south.2') ?? null, teams.get('South') ?? null],
    ];
    for (const def of [
      { entity: 'contact' as const, key: 'loyaltyLevel', label: 'Loyalty level', type: 'select' as const, options: ['bronze', 'silver', 'gold'] },
      { entity: 'contact' as const, key: 'birthday', label: 'Birthday', type: 'date' as const },
      { entity: 'company' as const, key: 'contractValue', label: 'Contract value', type: 'money' as const },
      { entity: 'company' as const, key: 'isPartner', label: 'Partner', type: 'boolean' as const },
    ]) {
      if (!(await this.definitions.keyTaken(def.entity, def.key))) await this.customFields.create(actor, def);
    }
    const r = rng(20261127);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
    const companyIds: string[] = [];
    for (let i = 0; i < COMPANIES; i++) {
      const [ownerId, teamId] = owners[i % owners.length];
      const [city, country] = pick(CITIES);
      const name = `${pick(WORDS)} ${pick(SUFFIX)} ${i + 1}`;
      const view = await this.companies.create(
        actor,
        {
          name,
          domains: [`${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com`],
          industry: pick(INDUSTRIES),
          employees: 5 + Math.floor(r() * 2000),
          annualRevenue: { amount: `${100000 + Math.floor(r() * 50000000)}.00`, currency: 'EUR' },
          address: { city, country },
          tags: TAGS.filter(() => r() < 0.2),
          ownerId,
          teamId,
          customFields: { contractValue: { amount: `${Math.floor(r() * 90000)}.00`, currency: 'EUR' }, isPartner: r() < 0.3 },
          parentCompanyId: i > 10 && r() < 0.1 ? companyIds[Math.floor(r() * 10)] : null,
        },
        { skipDuplicateCheck: true },
      );
      companyIds.push(view.company.id);
    }
    for (let i = 0; i < CONTACTS; i++) {
      const companyIndex = Math.floor(r() * COMPANIES);
      const [ownerId, teamId] = owners[companyIndex % owners.length];
      const [city, country] = pick(CITIES);
      const first = pick(FIRST);
      const last = pick(LAST);
      await this.contacts.create(
        actor,
        {
          firstName: first,
          lastName: last,
          emails: [{ email: `demo.contact.${String(i).padStart(4, '0')}@example.com`, primary: true, label: 'work' }],
          phones: [{ number: `+3712${String(10000000 + i).slice(1)}`, label: 'mobile' }],
          jobTitle: pick(['CEO', 'CFO', 'Buyer', 'Engineer', 'Office manager', 'Head of IT']),
          address: { city, country },
          lifecycleStage: pick(LIFECYCLE_STAGES),
          source: pick(['web form', 'trade show', 'referral', 'import']),
          tags: TAGS.filter(() => r() < 0.25),
          ownerId,
          teamId,
          companies: [{ companyId: companyIds[companyIndex], role: pick(['decision maker', 'billing', 'technical', null]) }],
          customFields: { loyaltyLevel: pick(['bronze', 'silver', 'gold']), birthday: `19${60 + Math.floor(r() * 40)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}` },
        },
        { skipDuplicateCheck: true },
      );
    }
    ctx.print(`  ${COMPANIES} companies and ${CONTACTS} contacts in teams North and South`);
  }
}
