import { AuditChanges } from './audit-log.entity';

export const REDACTED = '[redacted]';

/** Names that are secrets wherever they appear; a resource adds its own (see AuditPolicy). */
const ALWAYS_REDACTED = /(password|secret|token|keyhash|apikey|hash)$/i;

export interface AuditPolicy {
  /** Fields never audited at all (noise: derived or bulky columns). */
  exclude?: readonly string[];
  /** Fields audited as changed but whose values never enter the log. */
  redact?: readonly string[];
}

/** Bookkeeping columns: every change bumps them; the audit row itself records when. */
const BOOKKEEPING = new Set(['updatedAt', 'version']);

function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return v;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field-level diff of two snapshots (plain property maps): `{field: {from, to}}` for the fields
 * that differ. Redacted fields show that they changed, never what to.
 */
export function auditDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null, policy: AuditPolicy = {}): AuditChanges {
  const exclude = new Set(policy.exclude ?? []);
  const redact = new Set(policy.redact ?? []);
  const out: AuditChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (exclude.has(key) || BOOKKEEPING.has(key)) continue;
    const from = normalize(before?.[key]);
    const to = normalize(after?.[key]);
    if (same(from, to)) continue;
    if (redact.has(key) || ALWAYS_REDACTED.test(key)) out[key] = { from: from === null ? null : REDACTED, to: to === null ? null : REDACTED };
    else out[key] = { from, to };
  }
  return out;
}
