import { DomainError, FieldError } from '../../../platform/errors/domain-error';
import { CompanyDuplicateCandidate, DuplicateCandidate } from './contact.types';

export function validationFailed(errors: FieldError[]): DomainError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new DomainError('VALIDATION_FAILED', 'validation', `Invalid request: ${fields.join(', ')}.`, errors);
}

/** 409 with the candidates in the problem body (`candidates`), so the caller can link or merge instead. */
export function possibleDuplicate(candidates: DuplicateCandidate[]): DomainError {
  return new DomainError(
    'CONTACT_POSSIBLE_DUPLICATE',
    'conflict',
    'This contact looks like one that exists already; pass ?skipDuplicateCheck=true to create it anyway.',
    [],
    {},
    { candidates },
  );
}

/** The same for a company: 409 with `candidates` (the same domain, or a very similar name). */
export function possibleCompanyDuplicate(candidates: CompanyDuplicateCandidate[]): DomainError {
  return new DomainError(
    'COMPANY_POSSIBLE_DUPLICATE',
    'conflict',
    'This company looks like one that exists already; pass ?skipDuplicateCheck=true to create it anyway.',
    [],
    {},
    { candidates },
  );
}
