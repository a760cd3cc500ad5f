import { createParamDecorator, ExecutionContext, PipeTransform } from '@nestjs/common';
import { invalid } from '../../../platform/errors/domain-error';

/**
 * The raw query string object of a list whose spec is built per request (custom fields):
 * the service parses it with `parseListQueryString(spec, raw)`.
 */
export const RawListQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => ctx.switchToHttp().getRequest<{ query: unknown }>().query);

/** The raw JSON body of `POST …/search`, parsed (depth-bounded) by `parseSearchBody`. */
export const RawSearchBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => ctx.switchToHttp().getRequest<{ body: unknown }>().body);

/** `?flag=true|false` (absent: false); anything else is a 400 naming the parameter. */
export class BooleanQueryPipe implements PipeTransform<unknown, boolean> {
  constructor(private readonly name: string) {}
  transform(value: unknown): boolean {
    // The global ValidationPipe may already have turned a `boolean` parameter into one.
    if (value === undefined || value === '' || value === 'false' || value === false) return false;
    if (value === 'true' || value === true) return true;
    throw invalid(this.name, 'must be true or false');
  }
}

/**
 * A `?flag=true|false` query parameter (absent: false), read from the raw query string, so a bad
 * value is a 400 naming it. Declared as `@Query(name) x: boolean`, the global ValidationPipe would
 * first turn anything but "true" into false, and `?flag=maybe` would pass as false.
 */
export const QueryFlag = createParamDecorator((name: string, ctx: ExecutionContext): boolean =>
  new BooleanQueryPipe(name).transform(ctx.switchToHttp().getRequest<{ query: Record<string, unknown> }>().query[name]),
);
