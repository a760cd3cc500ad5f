import { CursorCodec, sortSignature } from './cursor';
import { defineListSpec } from './list-spec';
import { effectiveSort } from './paginate';
import { compileKeyset, SqlParams } from './sql';

const SPEC = defineListSpec({
  resource: 'things',
  fields: {
    id: { type: 'uuid', sortable: true, nullable: false },
    createdAt: { type: 'timestamp', sortable: true, nullable: false },
    name: { type: 'string', sortable: true },
  },
});

describe('cursors', () => {
  const codec = new CursorCodec('k'.repeat(40));
  const sig = sortSignature('things', effectiveSort(SPEC, SPEC.defaultSort));

  it('round-trips values, nulls and unicode', () => {
    const c = codec.encode(sig, ['2026-01-01 10:00:00.123456+00', null, 'Ž🏙️']);
    expect(codec.decode(c, sig, 3)).toEqual(['2026-01-01 10:00:00.123456+00', null, 'Ž🏙️']);
  });

  it('refuses tampered, foreign, truncated and garbage cursors', () => {
    const c = codec.encode(sig, ['a', 'b']);
    const [payload, mac] = c.split('.');
    const forged = Buffer.from(JSON.stringify({ s: sig, v: ['z', 'b'] })).toString('base64url');
    const bad = [
      `${forged}.${mac}`,
      `${payload}.${mac.slice(0, -2)}`,
      `${payload}x.${mac}`,
      payload,
      '',
      '..',
      'a.b.c',
      new CursorCodec('o'.repeat(40)).encode(sig, ['a', 'b']),
    ];
    for (const cursor of bad) expect(() => codec.decode(cursor, sig, 2)).toThrow(/cursor/);
    expect(() => codec.decode(c, 'other:-createdAt,id', 2)).toThrow(/cursor/);
    expect(() => codec.decode(c, sig, 3)).toThrow(/cursor/);
  });
});

describe('keyset SQL', () => {
  it('uses a row comparison for one direction over non-null keys', () => {
    const keys = effectiveSort(SPEC, SPEC.defaultSort);
    const p = new SqlParams('k');
    expect(compileKeyset(keys, ['t', 'i'], 'r', p)).toBe('(("r"."created_at", "r"."id") < (CAST(:k0 AS timestamptz), CAST(:k1 AS uuid)))');
  });

  it('expands mixed directions and nullable keys with NULLS LAST semantics', () => {
    const keys = effectiveSort(SPEC, [
      { field: SPEC.fields.get('name')!, desc: false },
      { field: SPEC.fields.get('createdAt')!, desc: true },
    ]);
    expect(keys.map((k) => `${k.desc ? '-' : ''}${k.field.name}`)).toEqual(['name', '-createdAt', '-id']);
    const p = new SqlParams('k');
    expect(compileKeyset(keys, ['Ann', 't', 'i'], 'r', p)).toBe(
      '((("r"."name" > CAST(:k0 AS text) OR "r"."name" IS NULL)) OR ("r"."name" = CAST(:k0 AS text) AND ("r"."created_at" < CAST(:k1 AS timestamptz))) OR ("r"."name" = CAST(:k0 AS text) AND "r"."created_at" = CAST(:k1 AS timestamptz) AND ("r"."id" < CAST(:k2 AS uuid))))',
    );
    const q = new SqlParams('k');
    // After a NULL name only rows with a NULL name remain.
    expect(compileKeyset(keys, [null, 't', 'i'], 'r', q)).toMatch(/^\(\("r"\."name" IS NULL AND/);
  });
});
