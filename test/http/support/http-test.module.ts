import { Body, CanActivate, Controller, ExecutionContext, Get, HttpCode, Injectable, Module, Param, Post, Res, UseGuards } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../../../src/platform/access/actor';
import { Public } from '../../../src/platform/access/decorators';
import { newId } from '../../../src/platform/database/columns';
import { conflict } from '../../../src/platform/errors/domain-error';
import { Idempotent } from '../../../src/platform/http/idempotency/idempotent.decorator';

export class AddressDto {
  @IsString() @MaxLength(50) city: string;
}

export class ThingDto {
  @IsString() @MaxLength(100) name: string;
  @IsOptional() @IsInt() count?: number;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => AddressDto) addresses?: AddressDto[];
}

/** Stands in for the auth guard: `X-Test-Actor: <id>` makes the request that user's. */
@Injectable()
class TestActorGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const id = req.headers['x-test-actor'];
    if (id) req.actor = { ...SYSTEM_ACTOR, type: 'user', id, userId: id, roleName: 'admin' };
    return true;
  }
}

/** Lets a test hold a request inside its handler (to race a second one against it). */
export class Gate {
  private release?: () => void;
  private entered?: () => void;
  held: Promise<void> = Promise.resolve();
  reached: Promise<void> = Promise.resolve();
  close(): void {
    this.held = new Promise((r) => (this.release = r));
    this.reached = new Promise((r) => (this.entered = r));
  }
  async pass(): Promise<void> {
    this.entered?.();
    await this.held;
  }
  open(): void {
    this.release?.();
  }
}

export const testState = { seq: 0, failures: 0, conflicts: 0, gate: new Gate() };

/** A tiny resource for the HTTP edge's e2e specs: real routes through the real pipeline. */
@Controller('api/v1/test-http')
@Public()
@UseGuards(TestActorGuard)
export class HttpTestController {
  @Post('things')
  @Idempotent()
  create(@Body() body: ThingDto, @Res({ passthrough: true }) reply: FastifyReply): { id: string; name: string; seq: number } {
    const id = newId();
    reply.header('Location', `/api/v1/test-http/things/${id}`);
    reply.header('ETag', '"1"');
    return { id, name: body.name, seq: ++testState.seq };
  }

  @Post('slow')
  @Idempotent()
  async slow(@Body() body: ThingDto): Promise<{ name: string; seq: number }> {
    await testState.gate.pass();
    return { name: body.name, seq: ++testState.seq };
  }

  /** Fails with a 500 while `testState.failures` > 0. */
  @Post('flaky')
  @Idempotent()
  flaky(@Body() body: ThingDto): { name: string; seq: number } {
    if (testState.failures > 0) {
      testState.failures--;
      throw new Error('boom: connection string postgres://secret@db');
    }
    return { name: body.name, seq: ++testState.seq };
  }

  /** Answers 409 while `testState.conflicts` > 0. */
  @Post('conflicting')
  @Idempotent()
  @HttpCode(200)
  conflicting(@Body() body: ThingDto): { name: string; seq: number } {
    if (testState.conflicts > 0) {
      testState.conflicts--;
      throw conflict('NAME_TAKEN', `The name ${body.name} is taken.`);
    }
    return { name: body.name, seq: ++testState.seq };
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: ThingDto): ThingDto {
    return body;
  }

  @Get('things/:id')
  get(@Param('id') id: string): { id: string } {
    return { id };
  }

  /** Throws what a failing dependency throws, to check what reaches the caller. */
  @Get('fail/:kind')
  fail(@Param('kind') kind: string): never {
    if (kind === 'sql') {
      throw new QueryFailedError('SELECT password_hash FROM platform.users WHERE id = $1', ['x'], Object.assign(new Error('relation "platform.users" does not exist'), { code: '42P01' }));
    }
    if (kind === 'pg-down') {
      throw new QueryFailedError('SELECT 1', [], Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    }
    if (kind === 'redis-down') {
      throw Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' });
    }
    throw new TypeError("Cannot read properties of undefined (reading 'secretField')");
  }
}

@Module({ controllers: [HttpTestController], providers: [TestActorGuard] })
export class HttpTestModule {}
