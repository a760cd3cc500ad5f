import { Injectable } from '@nestjs/common';
import { Actor } from '../access/actor';

/** Answers "may this actor read record `id` of this resource?" (scope included, deleted records too). */
export type RecordReadCheck = (actor: Actor, id: string) => Promise<boolean>;

/**
 * How the audit log decides who may read a record's history without knowing any module:
 * each scoped resource registers its read check (ScopedRepository does it by itself;
 * resources kept elsewhere, e.g. users or roles, call `register` from their module).
 */
@Injectable()
export class AuditAccessRegistry {
  private readonly checks = new Map<string, RecordReadCheck>();

  register(resource: string, check: RecordReadCheck): void {
    this.checks.set(resource, check);
  }

  /** false for a resource nobody registered: its history is for admins only. */
  async canRead(actor: Actor, resource: string, id: string): Promise<boolean> {
    const check = this.checks.get(resource);
    return check ? check(actor, id) : false;
  }
}
