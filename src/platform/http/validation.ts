import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
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

interface PropertyDoc {
  nullable?: boolean;
  type?: unknown;
  isArray?: boolean;
}

const BUILT_INS = new Set<unknown>([String, Number, Boolean, Date, Object, Array]);

/** The DTO class a documented property holds (`type: AddressDto`, `[AddressDto]` or `() => AddressDto`), if any. */
function nestedClass(doc: PropertyDoc): Type | undefined {
  let type = doc.type;
  if (Array.isArray(type)) type = type[0];
  if (typeof type !== 'function') return undefined;
  // A class has a prototype; a lazy `() => Dto` arrow function has none.
  if (!type.prototype) type = (type as () => unknown)();
  return typeof type === 'function' && !BUILT_INS.has(type) ? (type as Type) : undefined;
}

/**
 * `{field, message}` for every `null` given to a documented property that the OpenAPI document
 * does not declare nullable, at any depth of nested DTOs. class-validator's `@IsOptional()` lets
 * `null` through like a missing value; for a field that cannot be cleared it would reach the
 * database as a NOT NULL violation (a 500) or silently mean something else.
 */
export function nullErrors(value: unknown, metatype: Type | undefined, path = ''): FieldError[] {
  if (!metatype || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: FieldError[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const doc = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, metatype.prototype as object, key) as PropertyDoc | undefined;
    if (!doc) continue;
    const field = path ? `${path}.${key}` : key;
    if (child === null) {
      if (!doc.nullable) out.push({ field, message: 'must not be null' });
      continue;
    }
    const nested = nestedClass(doc);
    if (!nested) continue;
    if (Array.isArray(child)) child.forEach((item, i) => out.push(...nullErrors(item, nested, `${field}[${i}]`)));
    else out.push(...nullErrors(child, nested, field));
  }
  return out;
}

const isObjectValue = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `{field, message}` for every documented nested-DTO property given a value of the wrong shape,
 * at any depth: anything but an object where the document says one object (`address: []`), and
 * anything but an object as an item of a list of objects (`emails: [[…]]`). class-validator's
 * `@ValidateNested()` validates each item of an array it is given instead of refusing it, so
 * `annualRevenue: [{…}]` would pass and reach the service as an array (a 500, or data lost).
 */
export function shapeErrors(value: unknown, metatype: Type | undefined, path = ''): FieldError[] {
  if (!metatype || !isObjectValue(value)) return [];
  const out: FieldError[] = [];
  for (const [key, child] of Object.entries(value)) {
    const doc = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, metatype.prototype as object, key) as PropertyDoc | undefined;
    const nested = doc && nestedClass(doc);
    if (!doc || !nested || child === null || child === undefined) continue;
    const field = path ? `${path}.${key}` : key;
    if (doc.isArray || Array.isArray(doc.type)) {
      // Not an array at all: @IsArray() names it.
      if (!Array.isArray(child)) continue;
      child.forEach((item, i) => {
        if (isObjectValue(item)) out.push(...shapeErrors(item, nested, `${field}[${i}]`));
        else out.push({ field: `${field}[${i}]`, message: 'must be an object' });
      });
    } else if (!isObjectValue(child)) out.push({ field, message: 'must be an object' });
    else out.push(...shapeErrors(child, nested, field));
  }
  return out;
}

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!this.toValidate(metadata)) return super.transform(value, metadata);
    // ValidationPipe would validate a missing or `null` body as `{}`: a DTO of optional fields
    // (a PATCH) would pass, and the request "succeed" doing nothing. The body is required.
    if (metadata.type === 'body' && metadata.data === undefined && (value === undefined || value === null)) {
      throw validationFailed([{ field: 'body', message: 'is required: send a JSON object' }]);
    }
    const reserved = reservedKeyErrors(value);
    if (reserved.length) throw validationFailed(reserved);
    const early = [...nullErrors(value, metadata.metatype), ...shapeErrors(value, metadata.metatype)];
    let result: unknown;
    try {
      result = await super.transform(value, metadata);
    } catch (err) {
      // One answer names every bad field: class-validator's and the nulls and shapes it let through.
      if (err instanceof DomainError && err.code === 'VALIDATION_FAILED' && early.length) {
        const known = new Set(err.errors.map((e) => e.field));
        throw validationFailed([...err.errors, ...early.filter((e) => !known.has(e.field))]);
      }
      throw err;
    }
    if (early.length) throw validationFailed(early);
    return result;
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
