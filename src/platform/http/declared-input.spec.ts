import { Body, Controller, Delete, Get, Post, Query, Type } from '@nestjs/common';
import { ApiBody, ApiProperty, ApiPropertyOptional, ApiQuery } from '@nestjs/swagger';
import { declaredInputsOf, undeclaredInputErrors } from './declared-input';

class PageDto {
  @ApiPropertyOptional() limit?: string;
  @ApiPropertyOptional() cursor?: string;
}

class ThingDto {
  @ApiProperty() name: string;
}

@Controller('things')
class ThingsController {
  @Get()
  @ApiQuery({ name: 'sort', required: false })
  @ApiQuery({ name: 'filter', required: false, style: 'deepObject', explode: true, schema: { type: 'object' } })
  list(): void {}

  @Get('page')
  page(@Query() _query: PageDto, @Query('q') _q: string): void {}

  @Post()
  create(@Body() _body: ThingDto): void {}

  @Post('search')
  @ApiBody({ schema: { type: 'object' } })
  search(): void {}

  @Delete(':id')
  remove(): void {}
}

const of = (name: keyof ThingsController) => declaredInputsOf(ThingsController as Type, ThingsController.prototype[name] as (...args: never[]) => unknown);

describe('declaredInputsOf', () => {
  it('reads @ApiQuery names; a deepObject parameter marks a query the operation parses itself', () => {
    const d = of('list');
    expect([...d.query].sort()).toEqual(['filter', 'sort']);
    expect(d.ownQuery).toBe(true);
    expect(of('page').ownQuery).toBe(false);
    expect(d.body).toBe(false);
  });

  it('reads @Query(name) and the documented properties of @Query() dto', () => {
    expect([...of('page').query].sort()).toEqual(['cursor', 'limit', 'q']);
  });

  it('knows a body from @Body() or @ApiBody()', () => {
    expect(of('create').body).toBe(true);
    expect(of('search').body).toBe(true);
    expect(of('remove').body).toBe(false);
  });
});

describe('undeclaredInputErrors', () => {
  it('names every undeclared query parameter, and accepts declared ones', () => {
    expect(undeclaredInputErrors(of('page'), { limit: '1', q: 'x' }, undefined)).toEqual([]);
    expect(undeclaredInputErrors(of('page'), { q: 'x', expand: 'all', dryRun: 'true' }, undefined)).toEqual([
      { field: 'expand', message: 'is not a known query parameter' },
      { field: 'dryRun', message: 'is not a known query parameter' },
    ]);
  });

  it('leaves the query of a list-like operation to its own parser', () => {
    expect(undeclaredInputErrors(of('list'), { 'filter[name][eq]': 'a', limit: '5', bogus: '1' }, undefined)).toEqual([]);
  });

  it('refuses a non-empty body where the operation takes none; no body, null and {} pass', () => {
    for (const body of [undefined, null, {}]) expect(undeclaredInputErrors(of('remove'), {}, body)).toEqual([]);
    for (const body of [{ bogus: 1 }, [1], 'x', 0]) expect(undeclaredInputErrors(of('remove'), {}, body).map((e) => e.field)).toEqual(['body']);
    expect(undeclaredInputErrors(of('create'), {}, { name: 'x' })).toEqual([]);
  });
});
