import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** The one global pipe: unknown fields rejected, payloads transformed into their DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
