import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '../errors/domain-error';

/** Flattens class-validator's tree into `{field: "a.b[0].c", message}` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const field = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) {
      out.push({
        field,
        message: constraint === 'whitelistValidation' ? 'is not a known field' : message.replace(/^[\w.[\]]+ /, ''),
      });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationFailed(errors: FieldError[]): DomainError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new DomainError('VALIDATION_FAILED', 'validation', `Invalid request: ${fields.join(', ')}.`, errors);
}

/**
 * Keys that are names of Object.prototype members (`constructor`, `hasOwnProperty`, …).
 * class-validator's whitelist looks fields up in a plain object, finds these inherited
 * members and so lets them through as known fields; an own `hasOwnProperty: "x"` on a DTO
 * would then break code that calls it. They are never fields of ours: reject them as unknown.
 */
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/** `{field, message}` for every reserved key and every string with a NUL in a payload (objects and arrays, any depth). */
export function reservedKeyErrors(value: unknown): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<{ node: unknown; path: string }> = [{ node: value, path: '' }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    // Postgres text cannot hold NUL: refuse it here rather than fail in SQL with a 500.
    if (typeof node === 'string' && node.includes('\u0000')) out.push({ field: path || 'body', message: 'must not contain NUL characters' });
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push({ node: child, path: `${path}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(node)) {
      const field = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) out.push({ field, message: 'is not a known field' });
      else stack.push({ node: (node as Record<string, unknown>)[key], path: field });
    }
  }
  return out;
}

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      const reserved = reservedKeyErrors(value);
      if (reserved.length) throw validationFailed(reserved);
    }
    return super.transform(value, metadata);
  }
}

/** The one global pipe: unknown fields rejected, payloads transformed into their DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
