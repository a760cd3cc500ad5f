import { Type } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { createValidationPipe, nullErrors, reservedKeyErrors, shapeErrors } from './validation';

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

  it('refuses a missing or null body, even for a DTO of optional fields (a PATCH)', async () => {
    class PatchDto {
      @IsOptional() @IsString() name?: string;
    }
    for (const value of [undefined, null]) {
      const err = await pipe.transform(value, { type: 'body', metatype: PatchDto }).then(
        () => undefined,
        (e: unknown) => e as DomainError,
      );
      expect(err).toBeInstanceOf(DomainError);
      expect(err?.code).toBe('VALIDATION_FAILED');
      expect(err?.errors).toEqual([{ field: 'body', message: 'is required: send a JSON object' }]);
    }
    expect(await pipe.transform({}, { type: 'body', metatype: PatchDto })).toBeInstanceOf(PatchDto);
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

describe('null for a property the document does not declare nullable', () => {
  class AddressDto {
    @ApiPropertyOptional() @IsOptional() @IsString() city?: string;
    @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() region?: string | null;
  }
  class PersonDto {
    @ApiPropertyOptional() @IsOptional() @IsString() name?: string;
    @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() nickname?: string | null;
    @ApiPropertyOptional({ type: () => AddressDto, nullable: true }) @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto | null;
    @ApiPropertyOptional({ type: [AddressDto] }) @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => AddressDto) others?: AddressDto[];
  }
  const run = async (value: unknown) => {
    try {
      return await pipe.transform(value, { type: 'body', metatype: PersonDto });
    } catch (err) {
      return err as DomainError;
    }
  };

  it('is refused, naming the field at any depth, beside the other bad fields', async () => {
    const err = (await run({ name: null, nickname: 7, address: { city: null }, others: [{ city: 'Riga' }, { city: null }] })) as DomainError;
    expect(err).toBeInstanceOf(DomainError);
    expect(err.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'must not be null' },
        { field: 'nickname', message: 'must be a string' },
        { field: 'address.city', message: 'must not be null' },
        { field: 'others[1].city', message: 'must not be null' },
      ]),
    );
    expect(nullErrors({ name: null }, PersonDto)).toEqual([{ field: 'name', message: 'must not be null' }]);
  });

  it('is accepted where declared nullable', async () => {
    expect(await run({ nickname: null, address: null })).toBeInstanceOf(PersonDto);
    expect(await run({ address: { region: null } })).toBeInstanceOf(PersonDto);
  });
});

describe('a nested object given in the wrong shape', () => {
  class MoneyDto {
    @ApiPropertyOptional() @IsString() amount: string;
  }
  class AccountDto {
    @ApiPropertyOptional({ type: MoneyDto, nullable: true }) @IsOptional() @ValidateNested() @Type(() => MoneyDto) revenue?: MoneyDto | null;
    @ApiPropertyOptional({ type: [MoneyDto] }) @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => MoneyDto) history?: MoneyDto[];
  }
  const run = async (value: unknown) => {
    try {
      return await pipe.transform(value, { type: 'body', metatype: AccountDto });
    } catch (err) {
      return err as DomainError;
    }
  };

  it('is refused, naming the field: an array or a scalar for one object, a non-object item in a list', async () => {
    for (const revenue of [[], [{ amount: '1' }], 'x', 5, true]) {
      const err = (await run({ revenue })) as DomainError;
      expect(err).toBeInstanceOf(DomainError);
      expect(err.errors.map((e) => e.field)).toContain('revenue');
    }
    const err = (await run({ history: [{ amount: '1' }, [{ amount: '2' }], 'x', null] })) as DomainError;
    expect(err.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['history[1]', 'history[2]', 'history[3]']));
    expect(shapeErrors({ revenue: [] }, AccountDto)).toEqual([{ field: 'revenue', message: 'must be an object' }]);
  });

  it('is accepted as an object, a list of objects, or null where nullable', async () => {
    expect(await run({ revenue: { amount: '1' }, history: [{ amount: '2' }] })).toBeInstanceOf(AccountDto);
    expect(await run({ revenue: null })).toBeInstanceOf(AccountDto);
  });
});
