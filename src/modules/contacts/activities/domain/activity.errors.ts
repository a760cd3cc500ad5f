import { DomainError, FieldError } from '../../../../platform/errors/domain-error';

export const ACTIVITY_VALIDATION = 'ACTIVITY_INVALID';

/** Every field problem of one write at once, so a client fixes them in one round. */
export function activityInvalid(errors: FieldError[]): DomainError {
  return new DomainError(ACTIVITY_VALIDATION, 'validation', `Invalid activity: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);
}
