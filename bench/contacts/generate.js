'use strict';
// The contacts benchmark's data set: a database migrated with the box's own migrations, then
// 1,000,000 contacts and 100,000 companies written with set-based SQL. Every value derives from
// the row number through hashtext(), so two runs produce the same rows (ids, names, dates).
//
// The derived columns are filled exactly as the box fills them on write
// (src/modules/contacts/application/contact-input.ts, domain/normalize.ts):
//   emails      [{email, primary, label}], lower-case, the first one primary
//   email_keys  every email; primary_email the primary one
//   phones      [{number, primary, label}] in E.164; phone_keys; primary_phone
//   company_links [{companyId, role}]; company_ids the linked ids (lower-case text)
//   search_text first name, last name, emails, each phone with and without "+", company names
//   companies.search_text  name and domains
//
// Shape of the data: names with accents (common French, German, Spanish, Polish, Nordic names and
// 8,000 composed surnames), 0-3 emails, 0-2 phones, 0-2 companies, 0-3 tags, 8 lifecycle stages;
// cities skewed like a regional business's customer base (the home city Lyon holds 55% of the
// contacts, the rest follows a Zipf-like curve over 60 cities); owners spread over 20 users in two
// teams. Indexes are dropped during the load and rebuilt from their own definitions, then ANALYZE.

const FIRST_NAMES = [
  'Zoé', 'Léa', 'Chloé', 'Jérôme', 'François', 'Hélène', 'Noël', 'Agnès', 'Loïc', 'Anaïs', 'Clément', 'Élodie', 'Mathéo', 'Cécile', 'Gaëlle',
  'Benoît', 'Frédéric', 'Aurélie', 'Séverine', 'Thérèse', 'Björn', 'Jürgen', 'Jörg', 'Søren', 'Åsa', 'Łukasz', 'Małgorzata', 'José', 'María',
  'Sofía', 'Andrés', 'Inés', 'João', 'Conceição', 'Zoë', 'Renée', 'Anna', 'Marc', 'Paul', 'Julie', 'Thomas', 'Camille', 'Nicolas', 'Sarah',
  'Pierre', 'Laura', 'Lucas', 'Emma', 'Hugo', 'Manon', 'Louis', 'Inès', 'Jules', 'Lina', 'Arthur', 'Jade', 'Adam', 'Louise', 'Raphaël',
  'Ambre', 'David', 'Claire', 'Olivier', 'Nathalie', 'Stéphane', 'Isabelle', 'Éric', 'Sandrine', 'Laurent', 'Valérie', 'Michael', 'Sabine',
  'Klaus', 'Ursula', 'Ingrid', 'Sven', 'Piotr', 'Agnieszka', 'Javier', 'Lucía',
];
const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel',
  'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet',
  'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin',
  'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard', 'Nguyen',
  'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez',
  'Marchand', 'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre',
  'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard',
  'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot', 'Rivière',
  'Le Gall', 'Guillaume', 'Adam', 'Rey', 'Moulin', 'Gonçalves', 'Caron', 'Müller', 'Schröder', 'Böhm', 'Weiß', 'Schäfer', 'Köhler', 'Krüger',
  'García', 'Fernández', 'Gómez', 'Martín', 'Jiménez', 'Núñez', 'Muñoz', 'Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Dvořák', 'Novák',
  'Šimek', 'Østergaard', 'Sørensen', 'Ångström', 'Lindqvist', 'Håkansson', "O'Brien", "D'Angelo", 'Lévêque', 'Chrétien', 'Bénard', 'Pâris',
];
// Composed surnames (20 × 20 × 20 = 8,000): rare names, as most of a real base.
const SYL1 = ['Ber', 'Du', 'Le', 'Mar', 'Ro', 'Ché', 'Fau', 'Gi', 'Lé', 'Mo', 'Pe', 'Ri', 'Sa', 'Thé', 'Va', 'Bo', 'Cas', 'Del', 'Fer', 'Gon'];
const SYL2 = ['nar', 'vi', 'man', 'ton', 'lon', 'rè', 'zi', 'ga', 'quet', 'bé', 'lan', 'mi', 'ro', 'chè', 'sa', 'di', 'ne', 'ri', 'ta', 'go'];
const SYL3 = ['d', 't', 'ux', 'rd', 'ez', 'ni', 'lli', 'ssi', 'vre', 'on', 'et', 'aud', 'ier', 'ard', 'ès', 'ou', 'in', 'az', 'ic', 'eau'];
// [city, region, postal code, country, weight]; Lyon's weight makes it 55% of the contacts.
const CITIES = [
  ['Lyon', 'Auvergne-Rhône-Alpes', '69002', 'FR', 550],
  ['Villeurbanne', 'Auvergne-Rhône-Alpes', '69100', 'FR', 75], ['Paris', 'Île-de-France', '75011', 'FR', 50],
  ['Saint-Étienne', 'Auvergne-Rhône-Alpes', '42000', 'FR', 30], ['Grenoble', 'Auvergne-Rhône-Alpes', '38000', 'FR', 25],
  ['Vénissieux', 'Auvergne-Rhône-Alpes', '69200', 'FR', 20], ['Marseille', "Provence-Alpes-Côte d'Azur", '13001', 'FR', 18],
  ['Annecy', 'Auvergne-Rhône-Alpes', '74000', 'FR', 15], ['Genève', 'Genève', '1201', 'CH', 14], ['Clermont-Ferrand', 'Auvergne-Rhône-Alpes', '63000', 'FR', 13],
  ['Chambéry', 'Auvergne-Rhône-Alpes', '73000', 'FR', 12], ['Valence', 'Auvergne-Rhône-Alpes', '26000', 'FR', 11], ['Dijon', 'Bourgogne-Franche-Comté', '21000', 'FR', 10],
  ['Toulouse', 'Occitanie', '31000', 'FR', 9], ['Montpellier', 'Occitanie', '34000', 'FR', 9], ['Nîmes', 'Occitanie', '30000', 'FR', 8],
  ['Besançon', 'Bourgogne-Franche-Comté', '25000', 'FR', 8], ['Bordeaux', 'Nouvelle-Aquitaine', '33000', 'FR', 7], ['Nantes', 'Pays de la Loire', '44000', 'FR', 7],
  ['Lille', 'Hauts-de-France', '59000', 'FR', 7], ['Strasbourg', 'Grand Est', '67000', 'FR', 6], ['Nice', "Provence-Alpes-Côte d'Azur", '06000', 'FR', 6],
  ['Rennes', 'Bretagne', '35000', 'FR', 5], ['Reims', 'Grand Est', '51100', 'FR', 5], ['Le Havre', 'Normandie', '76600', 'FR', 4], ['Orléans', 'Centre-Val de Loire', '45000', 'FR', 4],
  ['Mâcon', 'Bourgogne-Franche-Comté', '71000', 'FR', 4], ['Aix-les-Bains', 'Auvergne-Rhône-Alpes', '73100', 'FR', 4], ['Bourg-en-Bresse', 'Auvergne-Rhône-Alpes', '01000', 'FR', 4],
  ['Évian-les-Bains', 'Auvergne-Rhône-Alpes', '74500', 'FR', 3], ['Vienne', 'Auvergne-Rhône-Alpes', '38200', 'FR', 3], ['Roanne', 'Auvergne-Rhône-Alpes', '42300', 'FR', 3],
  ['Lausanne', 'Vaud', '1003', 'CH', 3], ['Zürich', 'Zürich', '8001', 'CH', 3], ['Torino', 'Piemonte', '10121', 'IT', 3], ['Milano', 'Lombardia', '20121', 'IT', 3],
  ['Barcelona', 'Cataluña', '08001', 'ES', 3], ['Madrid', 'Comunidad de Madrid', '28001', 'ES', 3], ['Málaga', 'Andalucía', '29001', 'ES', 2], ['Sevilla', 'Andalucía', '41001', 'ES', 2],
  ['München', 'Bayern', '80331', 'DE', 2], ['Köln', 'Nordrhein-Westfalen', '50667', 'DE', 2], ['Düsseldorf', 'Nordrhein-Westfalen', '40213', 'DE', 2], ['Berlin', 'Berlin', '10115', 'DE', 2],
  ['Frankfurt am Main', 'Hessen', '60311', 'DE', 2], ['Stuttgart', 'Baden-Württemberg', '70173', 'DE', 2], ['Bruxelles', 'Bruxelles-Capitale', '1000', 'BE', 2], ['Liège', 'Wallonie', '4000', 'BE', 2],
  ['Luxembourg', 'Luxembourg', '1111', 'LU', 2], ['Kraków', 'Małopolskie', '30-001', 'PL', 1], ['Warszawa', 'Mazowieckie', '00-001', 'PL', 1], ['Wrocław', 'Dolnośląskie', '50-001', 'PL', 1],
  ['Göteborg', 'Västra Götaland', '411 01', 'SE', 1], ['Malmö', 'Skåne', '211 01', 'SE', 1], ['København', 'Hovedstaden', '1050', 'DK', 1], ['Århus', 'Midtjylland', '8000', 'DK', 1],
  ['Lisboa', 'Lisboa', '1100-001', 'PT', 1], ['Porto', 'Porto', '4000-001', 'PT', 1], ['Praha', 'Praha', '110 00', 'CZ', 1], ['Brno', 'Jihomoravský kraj', '602 00', 'CZ', 1],
];
const STREETS = ['rue de la République', 'avenue Jean Jaurès', 'cours Lafayette', 'rue Mercière', 'quai Saint-Antoine', 'place Bellecour', 'rue Garibaldi', 'boulevard des Brotteaux', 'rue Paul Bert', 'montée de la Grande Côte', 'Hauptstraße', 'calle Mayor', 'via Roma', 'ulica Długa'];
const JOB_TITLES = ['Directeur commercial', 'Responsable achats', 'Chargée de clientèle', 'Gérant', 'Comptable', 'Ingénieur d’études', 'Office manager', 'CEO', 'CFO', 'Head of Sales', 'Einkaufsleiter', 'Jefe de compras', 'Assistante de direction', 'Développeur', 'Responsable qualité', 'Chef de projet'];
const STAGES = ['subscriber', 'lead', 'marketing_qualified', 'sales_qualified', 'opportunity', 'customer', 'former_customer', 'other'];
const SOURCES = ['website', 'trade show', 'referral', 'cold call', 'LinkedIn', 'newsletter', 'partner', 'import'];
const TAGS = ['vip', 'newsletter', 'prospect', 'partner', 'salon-2025', 'churn-risk', 'b2b', 'b2c', 'décideur', 'relance'];
const ROLES = ['decision maker', 'billing', 'technical contact', 'user', null];
const INDUSTRIES = ['Manufacturing', 'Retail', 'Software', 'Construction', 'Healthcare', 'Logistics', 'Food & beverage', 'Consulting', 'Banking', 'Education'];
const CO_PREFIX = ['Ateliers', 'Groupe', 'Société', 'Établissements', 'Maison', 'Cabinet', 'Laboratoires', 'Transports', 'Boulangerie', 'Garage', 'Imprimerie', 'Menuiserie', 'Pharmacie', 'Bureau d’études', 'Brasserie', 'Agence'];
const CO_SUFFIX = ['SARL', 'SAS', 'SA', '& Fils', 'Frères', 'GmbH', 'S.L.', 'S.r.l.', 'et Associés', ''];
const PERSONAL_DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'yahoo.fr', 'outlook.com', 'laposte.net', 'gmx.de', 'hotmail.com'];

const lit = (values) => `ARRAY[${values.map((v) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`)).join(', ')}]::text[]`;

/** Deterministic hash of (row, salt) in [0, 2^31): the only source of variety. */
const HASH_FN = `
  CREATE OR REPLACE FUNCTION pg_temp.h(i integer, salt text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (hashtext(salt || ':' || i) & 2147483647) $$`;
/** A slug for emails and domains: no accents, lower case, letters and digits only. */
const SLUG_FN = `
  CREATE OR REPLACE FUNCTION pg_temp.slug(v text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, v)), '[^a-z0-9]', '', 'g') $$`;

/**
 * Fills `db` (an open pg Client on a migrated database whose teams and owners exist).
 * `owners` is [{ id, teamId }]: contacts and companies are spread over them.
 */
async function generate(db, { contacts, companies, owners, log }) {
  const t0 = Date.now();
  const step = async (label, sql, params) => {
    const t = Date.now();
    await db.query(sql, params);
    log(`  ${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(`SET synchronous_commit = off`);
  await db.query(HASH_FN);
  await db.query(SLUG_FN);

  // The load goes into index-free tables; the migrations' index definitions are replayed after.
  const { rows: indexes } = await db.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'contacts' AND tablename IN ('contacts', 'companies') AND indexname NOT LIKE '%_pkey'`,
  );
  for (const ix of indexes) await db.query(`DROP INDEX contacts."${ix.indexname}"`);

  await db.query(`CREATE TEMP TABLE owners (n integer PRIMARY KEY, id uuid, team_id uuid)`);
  await db.query(`INSERT INTO owners SELECT n - 1, o.id, o.team_id FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS o(id, team_id, n)`, [
    owners.map((o) => o.id),
    owners.map((o) => o.teamId),
  ]);
  // City slots: 1,000 slots, each city taking as many as its weight (per mille).
  await db.query(`CREATE TEMP TABLE cities (slot integer PRIMARY KEY, name text, region text, postal_code text, country text)`);
  await db.query(
    `INSERT INTO cities SELECT row_number() OVER () - 1, c.name, c.region, c.postal, c.country
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS c(name, region, postal, country, weight), generate_series(1, c.weight)`,
    [0, 1, 2, 3, 4].map((k) => CITIES.map((c) => c[k])),
  );
  const { rows: slots } = await db.query('SELECT count(*)::int AS n FROM cities');
  if (slots[0].n !== 1000) throw new Error(`city weights add up to ${slots[0].n}, not 1000`);

  const nOwners = owners.length;
  await step(
    `${companies.toLocaleString('en')} companies`,
    `INSERT INTO contacts.companies (id, created_at, updated_at, owner_id, team_id, name, domains, industry, employees, annual_revenue_amount,
                                     annual_revenue_currency, street, city, region, postal_code, country, tags, search_text)
     SELECT c.id, c.created_at, c.created_at, o.id, o.team_id, c.name, ARRAY[c.domain], c.industry, c.employees, c.revenue, CASE WHEN c.revenue IS NULL THEN NULL ELSE 'EUR' END,
            c.street, ci.name, ci.region, ci.postal_code, ci.country, c.tags, c.name || ' ' || c.domain
       FROM (
         SELECT i,
                md5('company:' || i)::uuid AS id,
                timestamptz '2021-01-01 08:00:00+00' + i * interval '15 minutes' + (pg_temp.h(i, 'cts') % 900) * interval '1 second' AS created_at,
                name,
                pg_temp.slug(name) || '-' || i || CASE WHEN pg_temp.h(i, 'tld') % 3 = 0 THEN '.com' ELSE '.fr' END AS domain,
                (${lit(INDUSTRIES)})[1 + pg_temp.h(i, 'ind') % ${INDUSTRIES.length}] AS industry,
                CASE WHEN pg_temp.h(i, 'emp') % 5 = 0 THEN NULL ELSE 1 + (pg_temp.h(i, 'emp') % 500) * (pg_temp.h(i, 'emp2') % 20) END AS employees,
                CASE WHEN pg_temp.h(i, 'rev') % 3 = 0 THEN NULL ELSE round((pg_temp.h(i, 'rev') % 5000000)::numeric * 10, 2) END AS revenue,
                (1 + pg_temp.h(i, 'nr') % 120) || ' ' || (${lit(STREETS)})[1 + pg_temp.h(i, 'st') % ${STREETS.length}] AS street,
                pg_temp.h(i, 'city') % 1000 AS slot,
                pg_temp.h(i, 'own') % ${nOwners} AS owner_n,
                array_remove(ARRAY[CASE WHEN pg_temp.h(i, 't1') % 4 = 0 THEN (${lit(TAGS)})[1 + pg_temp.h(i, 't1') / 4 % ${TAGS.length}] END], NULL) AS tags
           FROM generate_series(1, $1::int) AS i,
                LATERAL (SELECT trim((${lit(CO_PREFIX)})[1 + pg_temp.h(i, 'cp') % ${CO_PREFIX.length}] || ' ' ||
                                CASE WHEN pg_temp.h(i, 'cn') % 2 = 0 THEN (${lit(LAST_NAMES)})[1 + pg_temp.h(i, 'cl') % ${LAST_NAMES.length}]
                                     ELSE (${lit(SYL1)})[1 + pg_temp.h(i, 'c1') % 20] || (${lit(SYL2)})[1 + pg_temp.h(i, 'c2') % 20] || (${lit(SYL3)})[1 + pg_temp.h(i, 'c3') % 20] END
                                || ' ' || (${lit(CO_SUFFIX)})[1 + pg_temp.h(i, 'cs') % ${CO_SUFFIX.length}]) AS name) AS n
       ) AS c
       JOIN cities ci ON ci.slot = c.slot
       JOIN owners o ON o.n = c.owner_n`,
    [companies],
  );

  await db.query(`CREATE TEMP TABLE co AS SELECT (row_number() OVER (ORDER BY created_at, id))::int AS n, id::text AS id, name, domains[1] AS domain FROM contacts.companies`);
  await db.query('ALTER TABLE co ADD PRIMARY KEY (n)');
  await db.query('ANALYZE co');

  // One row per contact with its raw choices; the second pass builds the derived columns.
  await step(
    `${contacts.toLocaleString('en')} contacts`,
    `INSERT INTO contacts.contacts (id, created_at, updated_at, owner_id, team_id, first_name, last_name, emails, phones, primary_email, primary_phone,
                                    email_keys, phone_keys, job_title, street, city, region, postal_code, country, lifecycle_stage, source, tags,
                                    company_links, company_ids, search_text)
     SELECT x.id, x.created_at, x.created_at + (x.upd % 400) * interval '1 day', o.id, o.team_id, x.first_name, x.last_name,
            coalesce((SELECT jsonb_agg(jsonb_build_object('email', e, 'primary', k = 1, 'label', CASE WHEN k = 1 AND x.c1 IS NOT NULL THEN 'work' WHEN k = 1 THEN 'personal' ELSE 'other' END) ORDER BY k)
                        FROM unnest(x.email_keys) WITH ORDINALITY AS u(e, k)), '[]'::jsonb),
            coalesce((SELECT jsonb_agg(jsonb_build_object('number', p, 'primary', k = 1, 'label', CASE WHEN k = 1 THEN 'mobile' ELSE 'work' END) ORDER BY k)
                        FROM unnest(x.phone_keys) WITH ORDINALITY AS u(p, k)), '[]'::jsonb),
            x.email_keys[1], x.phone_keys[1], x.email_keys, x.phone_keys,
            x.job_title, x.street, ci.name, ci.region, ci.postal_code, ci.country, x.stage, x.source, x.tags,
            CASE WHEN c1.id IS NULL THEN '[]'::jsonb
                 WHEN c2.id IS NULL THEN jsonb_build_array(jsonb_build_object('companyId', c1.id, 'role', x.role1))
                 ELSE jsonb_build_array(jsonb_build_object('companyId', c1.id, 'role', x.role1), jsonb_build_object('companyId', c2.id, 'role', NULL)) END,
            array_remove(ARRAY[c1.id, c2.id], NULL),
            array_to_string(ARRAY[x.first_name, x.last_name] || x.email_keys
                            || ARRAY(SELECT v FROM unnest(x.phone_keys) WITH ORDINALITY AS u(p, k), LATERAL (VALUES (1, p), (2, substr(p, 2))) AS w(j, v) ORDER BY k, j)
                            || ARRAY[c1.name, c2.name], ' ')
       FROM (
         SELECT b.*,
                array_remove(ARRAY[
                  CASE WHEN b.c1 IS NOT NULL AND b.ne >= 1 THEN b.local || '@' || cw.domain WHEN b.ne >= 1 THEN b.local || b.i || '@' || b.personal END,
                  CASE WHEN b.ne >= 2 THEN left(b.local, 1) || pg_temp.slug(b.last_name) || b.i || '@' || b.personal END,
                  CASE WHEN b.ne >= 3 THEN b.local || '.' || b.i || '@' || (${lit(PERSONAL_DOMAINS)})[1 + pg_temp.h(b.i, 'pd2') % ${PERSONAL_DOMAINS.length}] END], NULL) AS email_keys,
                array_remove(ARRAY[
                  CASE WHEN b.np >= 1 THEN b.prefix1 || lpad((pg_temp.h(b.i, 'ph1') % 100000000)::text, 8, '0') END,
                  CASE WHEN b.np >= 2 THEN b.prefix2 || lpad((pg_temp.h(b.i, 'ph2') % 100000000)::text, 8, '0') END], NULL) AS phone_keys
           FROM (
             SELECT i,
                    md5('contact:' || i)::uuid AS id,
                    timestamptz '2021-01-01 08:00:00+00' + i * interval '150 seconds' + (pg_temp.h(i, 'ts') % 150) * interval '1 second' AS created_at,
                    pg_temp.h(i, 'upd') AS upd,
                    fn AS first_name, ln AS last_name,
                    pg_temp.slug(fn) || '.' || pg_temp.slug(ln) AS local,
                    (${lit(PERSONAL_DOMAINS)})[1 + pg_temp.h(i, 'pd') % ${PERSONAL_DOMAINS.length}] AS personal,
                    CASE WHEN pg_temp.h(i, 'ne') % 20 = 0 THEN 0 WHEN pg_temp.h(i, 'ne') % 20 < 14 THEN 1 WHEN pg_temp.h(i, 'ne') % 20 < 18 THEN 2 ELSE 3 END AS ne,
                    CASE WHEN pg_temp.h(i, 'np') % 10 < 3 THEN 0 WHEN pg_temp.h(i, 'np') % 10 < 8 THEN 1 ELSE 2 END AS np,
                    (ARRAY['+336', '+337', '+49151', '+346', '+3936'])[1 + pg_temp.h(i, 'pp1') % 5] AS prefix1,
                    (ARRAY['+334', '+4930', '+335'])[1 + pg_temp.h(i, 'pp2') % 3] AS prefix2,
                    CASE WHEN pg_temp.h(i, 'co') % 10 = 0 THEN NULL ELSE 1 + pg_temp.h(i, 'c1') % $2::int END AS c1,
                    CASE WHEN pg_temp.h(i, 'co') % 20 = 1 THEN 1 + (pg_temp.h(i, 'c1') % $2::int + 1 + pg_temp.h(i, 'c2') % ($2::int - 1)) % $2::int END AS c2,
                    (${lit(ROLES)})[1 + pg_temp.h(i, 'role') % ${ROLES.length}] AS role1,
                    CASE WHEN pg_temp.h(i, 'jt') % 4 = 0 THEN NULL ELSE (${lit(JOB_TITLES)})[1 + pg_temp.h(i, 'jt') / 4 % ${JOB_TITLES.length}] END AS job_title,
                    CASE WHEN pg_temp.h(i, 'st') % 3 = 0 THEN NULL ELSE (1 + pg_temp.h(i, 'nr') % 200) || ' ' || (${lit(STREETS)})[1 + pg_temp.h(i, 'st') / 3 % ${STREETS.length}] END AS street,
                    pg_temp.h(i, 'city') % 1000 AS slot,
                    pg_temp.h(i, 'own') % ${nOwners} AS owner_n,
                    (${lit(STAGES)})[1 + pg_temp.h(i, 'stage') % ${STAGES.length}] AS stage,
                    CASE WHEN pg_temp.h(i, 'src') % 5 = 0 THEN NULL ELSE (${lit(SOURCES)})[1 + pg_temp.h(i, 'src') / 5 % ${SOURCES.length}] END AS source,
                    array_remove(ARRAY[
                      CASE WHEN pg_temp.h(i, 'tg1') % 3 = 0 THEN (${lit(TAGS)})[1 + pg_temp.h(i, 'tg1') / 3 % 5] END,
                      CASE WHEN pg_temp.h(i, 'tg2') % 5 = 0 THEN (${lit(TAGS)})[6 + pg_temp.h(i, 'tg2') / 5 % 3] END,
                      CASE WHEN pg_temp.h(i, 'tg3') % 10 = 0 THEN (${lit(TAGS)})[9 + pg_temp.h(i, 'tg3') / 10 % 2] END], NULL) AS tags
               FROM generate_series(1, $1::int) AS i,
                    LATERAL (SELECT (${lit(FIRST_NAMES)})[1 + pg_temp.h(i, 'fn') % ${FIRST_NAMES.length}] AS fn,
                                    CASE WHEN pg_temp.h(i, 'lk') % 5 < 2 THEN (${lit(LAST_NAMES)})[1 + pg_temp.h(i, 'ln') % ${LAST_NAMES.length}]
                                         ELSE (${lit(SYL1)})[1 + pg_temp.h(i, 's1') % 20] || (${lit(SYL2)})[1 + pg_temp.h(i, 's2') % 20] || (${lit(SYL3)})[1 + pg_temp.h(i, 's3') % 20] END AS ln) AS names
           ) AS b
           LEFT JOIN co cw ON cw.n = b.c1
       ) AS x
       JOIN cities ci ON ci.slot = x.slot
       JOIN owners o ON o.n = x.owner_n
       LEFT JOIN co c1 ON c1.n = x.c1
       LEFT JOIN co c2 ON c2.n = x.c2`,
    [contacts, companies],
  );

  for (const ix of indexes) await step(`index ${ix.indexname}`, ix.indexdef);
  await step('VACUUM ANALYZE', 'VACUUM ANALYZE contacts.contacts, contacts.companies');
  log(`  data set ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

module.exports = { generate, CITIES };
