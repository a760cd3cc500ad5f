import { Injectable } from '@nestjs/common';
import { Propagation, TransactionHost, Transactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { badRequest, FieldError } from '../errors/domain-error';
import { mapError } from '../errors/problem';
import { ApiProblems, ProblemFieldErrorDto } from '../query/swagger';

export const MAX_BATCH_ITEMS = 100;

export interface BatchItemResult<R> {
  index: number;
  status: number;
  data?: R;
  /** As the problem the item alone would have had: code, detail, field errors and its extensions (a 409's `candidates`). */
  error?: { code: string; detail: string; errors: FieldError[] } & Record<string, unknown>;
}

export class BatchItemErrorDto {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code: string;
  @ApiProperty({ example: 'Invalid value for email: must be an email' }) detail: string;
  @ApiProperty({ type: [ProblemFieldErrorDto] }) errors: ProblemFieldErrorDto[];
}

/** Documents `200 { results: [{index, status, data | error}] }` of a batch endpoint. */
export function ApiBatchOkResponse(item: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(BatchItemErrorDto, item),
    ApiOkResponse({
      description: `One result per item, in order (at most ${MAX_BATCH_ITEMS}); failed items were not applied, the others were`,
      schema: {
        type: 'object',
        required: ['results'],
        properties: {
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['index', 'status'],
              properties: {
                index: { type: 'integer', minimum: 0 },
                status: { type: 'integer', description: 'the HTTP status this item alone would have had', example: 201 },
                data: { $ref: getSchemaPath(item) },
                error: {
                  allOf: [{ $ref: getSchemaPath(BatchItemErrorDto) }],
                  description: 'The problem this item alone would have had, with its extension members (a possible duplicate\'s `candidates`)',
                },
              },
            },
          },
        },
      },
    }),
    ApiProblems(400),
  );
}

/**
 * `POST /<resource>/batch`: every item in one transaction, each in its own savepoint, so one
 * bad item is reported (with the status it would have had alone) without undoing the others.
 * An internal failure (5xx) aborts the whole batch: it is not the caller's item that is wrong.
 */
@Injectable()
export class BatchRunner {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async run<T, R>(items: readonly T[], field: string, handle: (item: T, index: number) => Promise<R>, successStatus = 200): Promise<BatchItemResult<R>[]> {
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_ITEMS) {
      throw badRequest(`${field} takes 1 to ${MAX_BATCH_ITEMS} items.`, [{ field, message: `must hold 1 to ${MAX_BATCH_ITEMS} items` }], 'INVALID_BATCH');
    }
    const results: BatchItemResult<R>[] = [];
    for (let index = 0; index < items.length; index++) {
      try {
        const data = await this.txHost.withTransaction(Propagation.Nested, () => handle(items[index], index));
        results.push({ index, status: successStatus, data });
      } catch (err) {
        const mapped = mapError(err);
        if (mapped.internal) throw err;
        results.push({ index, status: mapped.status, error: { ...mapped.extensions, code: mapped.code, detail: mapped.detail, errors: mapped.errors } });
      }
    }
    return results;
  }
}
