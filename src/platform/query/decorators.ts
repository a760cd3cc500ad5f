import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ListSpec } from './list-spec';
import { parseListQueryString, parseSearchBody } from './list-query';

/**
 * `@ListQueryParam(SPEC) query: ListQuery` parses `?filter[..][..]=..&sort=..&limit=..&cursor=..&q=..`
 * of a list endpoint. Pair it with `@ApiListQuery(SPEC)` for the docs.
 */
export const ListQueryParam = createParamDecorator((spec: ListSpec, ctx: ExecutionContext) =>
  parseListQueryString(spec, ctx.switchToHttp().getRequest<{ query: unknown }>().query),
);

/**
 * `@SearchQueryParam(SPEC) query: ListQuery` parses the JSON body of `POST /<resource>/search`.
 * The body is read raw (not through class-transformer) so its depth is bounded before anything recurses.
 */
export const SearchQueryParam = createParamDecorator((spec: ListSpec, ctx: ExecutionContext) =>
  parseSearchBody(spec, ctx.switchToHttp().getRequest<{ body: unknown }>().body),
);
