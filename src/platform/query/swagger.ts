import { applyDecorators, Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiProperty, ApiQuery, ApiResponse, DECORATORS, getSchemaPath } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { FieldSpec, ListSpec, MAX_SORT_KEYS } from './list-spec';
import { DEFAULT_LIMIT, MAX_LIMIT } from './list-query';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, MAX_IN_VALUES } from './filter';

export class ProblemFieldErrorDto {
  @ApiProperty({ example: 'filter[city]' }) field: string;
  @ApiProperty({ example: 'is not a filterable field of contacts' }) message: string;
}

/** application/problem+json (RFC 9457), as every 4xx/5xx of the API. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:crm:problem:invalid-filter' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'Invalid filter filter[foo]: "foo" is not a filterable field of contacts' }) detail: string;
  @ApiProperty({ example: '/api/v1/contacts' }) instance: string;
  @ApiProperty({ example: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' }) requestId: string;
  @ApiProperty({ example: 'INVALID_FILTER' }) code: string;
  @ApiProperty({ type: [ProblemFieldErrorDto] }) errors: ProblemFieldErrorDto[];
}

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed request, unknown field or operator, bad value',
  401: 'Missing or invalid credentials',
  403: 'Not allowed',
  404: 'No such record (or outside your scope)',
  409: 'Conflict',
  412: 'The record changed since the ETag given in If-Match',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Unprocessable',
  429: 'Too many requests; see Retry-After',
};

/** A problem response of its own: its description, and the members it adds to ProblemDto (RFC 9457 extensions). */
export interface ProblemSpec {
  status: number;
  description?: string;
  extensions?: Record<string, SchemaObject>;
}

/** Documents problem+json error responses for the given statuses (or specs, for a description or extension members of their own). */
export function ApiProblems(...statuses: Array<number | ProblemSpec>): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtraModels(ProblemDto), ...statuses.map(problemResponse));
}

/**
 * One problem response. On a route that already documents the status (decorators apply bottom
 * up), a plain status leaves that response as it is, in whichever order the two decorators sit
 * (@Idempotent()'s generic 409 does not replace a route's own); a spec replaces a generic one
 * (@nestjs/swagger would merge them: the last one's schema, both descriptions).
 */
function problemResponse(entry: number | ProblemSpec): MethodDecorator & ClassDecorator {
  const { status, description, extensions } = typeof entry === 'number' ? { status: entry } : entry;
  const generic = PROBLEM_TEXT[status] ?? 'Error';
  const schema: SchemaObject | ReferenceObject = extensions
    ? { allOf: [{ $ref: getSchemaPath(ProblemDto) }, { type: 'object', properties: extensions }] }
    : { $ref: getSchemaPath(ProblemDto) };
  const decorator = ApiResponse({ status, description: description ?? generic, content: { 'application/problem+json': { schema } } });
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      const responses = Reflect.getMetadata(DECORATORS.API_RESPONSE, descriptor.value) as Record<string, { description?: string }> | undefined;
      const existing = responses?.[status];
      if (existing && typeof entry === 'number') return descriptor;
      if (existing && existing.description === generic) {
        const others = { ...responses };
        delete others[status];
        Reflect.defineMetadata(DECORATORS.API_RESPONSE, others, descriptor.value);
      }
    }
    return (decorator as (t: object, k?: string | symbol, d?: PropertyDescriptor) => unknown)(target, key, descriptor);
  }) as MethodDecorator & ClassDecorator;
}

export class PageInfoDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page', example: null })
  nextCursor: string | null;
  @ApiProperty({ example: false }) hasMore: boolean;
}

const valueSchema = (f: FieldSpec): SchemaObject => {
  switch (f.type) {
    case 'number':
    case 'numeric':
      return { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp':
      return { type: 'string', format: 'date-time' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'enum':
      return { type: 'string', enum: [...(f.values ?? [])] };
    default:
      return { type: 'string' };
  }
};

function filterFields(spec: ListSpec): FieldSpec[] {
  return [...spec.fields.values()].filter((f) => f.ops.size > 0);
}

/** `filter[<field>][<op>]` as one deepObject parameter: each field with the operators it takes. */
/**
 * Fields that exist per request (custom fields defined by admins): their name pattern and what
 * they accept, documented beside the static fields of the spec.
 */
export interface DynamicListFields {
  /** e.g. `^customFields\\.[A-Za-z0-9_]+(\\.currency)?$` */
  pattern: string;
  description: string;
}

function filterParameterSchema(spec: ListSpec, dynamic?: DynamicListFields): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const f of filterFields(spec)) {
    const ops: Record<string, SchemaObject> = {};
    for (const op of f.ops) {
      ops[op] =
        op === 'isNull'
          ? { type: 'boolean' }
          : op === 'in' || op === 'nin'
            ? { type: 'string', description: 'comma-separated values' }
            : f.type === 'boolean'
              ? { type: 'boolean' }
              : valueSchema(f);
    }
    properties[f.name] = { type: 'object', properties: ops, additionalProperties: false, description: f.description ?? `${f.type}` };
  }
  if (dynamic) return { type: 'object', properties, additionalProperties: { type: 'object', description: dynamic.description } };
  return { type: 'object', properties, additionalProperties: false };
}

function sortDescription(spec: ListSpec): string {
  const sortable = [...spec.fields.values()].filter((f) => f.sortable).map((f) => f.name);
  const dflt = spec.defaultSort.map((k) => (k.desc ? '-' : '') + k.field.name).join(',');
  return `Comma-separated, \`-\` for descending, at most ${MAX_SORT_KEYS}. Sortable: ${sortable.join(', ')}. Default: ${dflt}. Ties are broken by id.`;
}

/**
 * Documents a list endpoint's query parameters from its spec: limit, cursor, sort, q (when the
 * resource has free-text search) and `filter[<field>][<op>]` for every filterable field.
 */
export function ApiListQuery(spec: ListSpec, dynamic?: DynamicListFields, options: { paged?: boolean } = {}): MethodDecorator {
  const sortable = [...spec.fields.values()].filter((f) => f.sortable).map((f) => f.name);
  const paging =
    options.paged === false
      ? []
      : [
          ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } }),
          ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: 'Opaque; `page.nextCursor` of the previous page' }),
        ];
  const decorators = [
    ...paging,
    ApiQuery({
      name: 'sort',
      required: false,
      schema: {
        type: 'string',
        example: spec.defaultSort.map((k) => (k.desc ? '-' : '') + k.field.name).join(','),
        // Dynamic fields sort too: their names are not known when the document is built.
        ...(dynamic ? {} : { pattern: `^[-+]?(${sortable.join('|')})(,[-+]?(${sortable.join('|')}))*$` }),
      },
      description: sortDescription(spec) + (dynamic ? ` Also ${dynamic.description}.` : ''),
    }),
    ApiQuery({
      name: 'filter',
      required: false,
      style: 'deepObject',
      explode: true,
      schema: filterParameterSchema(spec, dynamic),
      description:
        'filter[<field>][<op>]=<value>; several filters AND together. in/nin take comma-separated values. ' +
        `Filterable: ${filterFields(spec)
          .map((f) => `${f.name} (${[...f.ops].join(' ')})`)
          .join('; ')}.`,
    }),
  ];
  if (spec.search.length || spec.textSearch) {
    const description = spec.textSearch?.description ?? `Free-text search in ${spec.search.map((f) => f.name).join(', ')}`;
    decorators.push(ApiQuery({ name: 'q', required: false, schema: { type: 'string', maxLength: 200 }, description }));
  }
  return applyDecorators(...decorators, ApiProblems(400));
}

/** Documents the body of `POST /<resource>/search` from the spec. */
export function ApiSearchBody(spec: ListSpec, dynamic?: DynamicListFields): MethodDecorator {
  const fields = filterFields(spec).map((f) => f.name);
  const defaultSort = spec.defaultSort.map((k) => (k.desc ? '-' : '') + k.field.name);
  const condition: SchemaObject = {
    type: 'object',
    required: ['field', 'op', 'value'],
    additionalProperties: false,
    properties: {
      field: dynamic
        ? { type: 'string', description: `${fields.join(', ')}, or ${dynamic.description}`, pattern: `^(${fields.map((f) => f.replace(/\./g, '\\.')).join('|')})$|${dynamic.pattern}` }
        : { type: 'string', enum: fields },
      op: { type: 'string', enum: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'startsWith', 'isNull'] },
      value: { description: 'a scalar, or an array for in/nin, or a boolean for isNull' },
    },
  };
  const group = (kind: 'and' | 'or'): SchemaObject => ({
    type: 'object',
    required: [kind],
    additionalProperties: false,
    properties: { [kind]: { type: 'array', minItems: 1, maxItems: MAX_FILTER_CONDITIONS, items: { type: 'object', description: 'a condition or a nested and/or group' } } },
  });
  return applyDecorators(
    ApiBody({
      description:
        `Conditions nest up to ${MAX_FILTER_DEPTH} levels, at most ${MAX_FILTER_CONDITIONS} conditions, in/nin at most ${MAX_IN_VALUES} values. ` +
        'Same fields and operators as the filter[...] query parameters.',
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          filter: { oneOf: [condition, group('and'), group('or')] },
          ...(spec.search.length || spec.textSearch ? { q: { type: 'string', maxLength: 200 } } : {}),
          sort: {
            description: `${sortDescription(spec)} Or the same keys as an array of strings.`,
            oneOf: [
              { type: 'string', example: defaultSort.join(',') },
              {
                type: 'array',
                maxItems: MAX_SORT_KEYS,
                items: { type: 'string' },
                example: defaultSort,
              },
            ],
          },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
          cursor: { type: 'string' },
        },
        example: { filter: { and: [{ field: fields[0] ?? 'id', op: 'isNull', value: false }] }, limit: 50 },
      },
    }),
    ApiProblems(400),
  );
}

/** `200 { data: Item[], page: {nextCursor, hasMore} }` for a list or search endpoint. */
export function ApiPagedOkResponse(item: Type<unknown>, description = 'One page of results'): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(PageInfoDto, item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['data', 'page'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(item) } },
          page: { $ref: getSchemaPath(PageInfoDto) },
        },
      },
    }),
  );
}

