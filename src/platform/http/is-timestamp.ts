import { ValidateBy, ValidationOptions } from 'class-validator';
import { TIMESTAMP_RULE, timestampText } from '../query/timestamp';

/**
 * A timestamp in a request body, by the rule filters use (platform/query/timestamp.ts): a date,
 * or a date-time with its time zone. `2026-11-27T17:01:04` is refused, not read as UTC.
 */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && timestampText(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'value'} ${TIMESTAMP_RULE}`,
      },
    },
    options,
  );
}
