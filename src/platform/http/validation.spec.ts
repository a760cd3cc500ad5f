import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe, reservedKeyErrors } from './validation';

class LineDto {
  @IsString() sku: string;
  @IsInt() quantity: number;
}

class OrderDto {
  @IsString() name: string;
  @IsOptional() @ValidateNested() @Type(() => LineDto) main?: LineDto;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => LineDto) lines?: LineDto[];
}

const pipe = createValidationPipe();
const validate = async (value: unknown): Promise<DomainError> => {
  try {
    await pipe.transform(value, { type: 'body', metatype: OrderDto });
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a validation error');
};

describe('the global validation pipe', () => {
  it('turns a valid payload into the DTO class', async () => {
    const dto = await pipe.transform({ name: 'a', lines: [{ sku: 'x', quantity: 1 }] }, { type: 'body', metatype: OrderDto });
    expect(dto).toBeInstanceOf(OrderDto);
    expect((dto as OrderDto).lines?.[0]).toBeInstanceOf(LineDto);
  });

  it('names unknown and invalid fields with dotted paths and indexes', async () => {
    const err = await validate({ name: 1, extra: true, main: { sku: 'x', quantity: 'two', colour: 'red' }, lines: [{ sku: 'a', quantity: 1 }, { quantity: 2 }] });
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'must be a string' },
        { field: 'extra', message: 'is not a known field' },
        { field: 'main.quantity', message: expect.stringContaining('integer') },
        { field: 'main.colour', message: 'is not a known field' },
        { field: 'lines[1].sku', message: 'must be a string' },
      ]),
    );
    expect(err.message).toMatch(/^Invalid request: /);
  });

  it('rejects Object.prototype member names, which class-validator would let through', async () => {
    const err = await validate({ name: 'a', constructor: 'x', lines: [{ sku: 'a', quantity: 1, hasOwnProperty: 1 }] });
    expect(err.errors).toEqual([
      { field: 'constructor', message: 'is not a known field' },
      { field: 'lines[0].hasOwnProperty', message: 'is not a known field' },
    ]);
  });

  it('rejects them in query objects too (null prototype)', async () => {
    const query = Object.assign(Object.create(null), { name: 'a', valueOf: '1' });
    const err = await validate(query);
    expect(err.errors).toEqual([{ field: 'valueOf', message: 'is not a known field' }]);
  });
});

describe('reservedKeyErrors', () => {
  it('finds nothing in ordinary data', () => {
    expect(reservedKeyErrors({ a: [{ b: 'constructor' }], toStringy: 1 })).toEqual([]);
    expect(reservedKeyErrors(null)).toEqual([]);
    expect(reservedKeyErrors('constructor')).toEqual([]);
  });
});
