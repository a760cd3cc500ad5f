/**
 * A scoped resource for the records/audit e2e specs, standing in for a CRM module: entity,
 * list spec, repository, DTOs and a thin controller built only from the platform's pieces.
 * The table is created by the spec in its own database (THINGS_DDL).
 */
import { Body, CanActivate, Controller, Delete, ExecutionContext, Get, HttpCode, Injectable, Module, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { Transactional } from '@nestjs-cls/transactional';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Column, Entity } from 'typeorm';
import { Actor } from '../../src/platform/access/actor';
import { CurrentActor, Public } from '../../src/platform/access/decorators';
import { AuditQueryService } from '../../src/platform/audit/audit-query.service';
import { toAuditEntryResponse } from '../../src/platform/audit/dto/audit-entry.dto';
import { OwnedRecordEntity } from '../../src/platform/database/columns';
import { DomainError } from '../../src/platform/errors/domain-error';
import { AUDIT_LIST_SPEC } from '../../src/platform/audit/audit-query.service';
import { ListQueryParam, SearchQueryParam } from '../../src/platform/query/decorators';
import { ListQuery, toPage } from '../../src/platform/query/list-query';
import { defineListSpec, OWNED_RECORD_FIELDS } from '../../src/platform/query/list-spec';
import { BatchRunner } from '../../src/platform/records/batch';
import { IfMatch, WithETag } from '../../src/platform/records/etag';
import { RecordDeps } from '../../src/platform/records/record-deps';
import { ScopedRepository } from '../../src/platform/records/scoped-repository';

export const THINGS_DDL = `
  CREATE TABLE public.test_things (
    id uuid NOT NULL PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    deleted_at timestamptz,
    owner_id uuid,
    team_id uuid,
    name varchar(100),
    city varchar(100),
    score integer,
    tags text[] NOT NULL DEFAULT '{}',
    secret_token varchar(200)
  )`;

@Entity({ name: 'test_things' })
export class ThingEntity extends OwnedRecordEntity {
  @Column({ type: 'varchar', length: 100, nullable: true }) name: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) city: string | null;
  @Column({ type: 'integer', nullable: true }) score: number | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Column({ type: 'varchar', length: 200, nullable: true }) secretToken: string | null;
}

export const THING_LIST = defineListSpec({
  resource: 'things',
  softDelete: true,
  search: ['name', 'city'],
  fields: {
    ...OWNED_RECORD_FIELDS,
    name: { type: 'string', sortable: true },
    city: { type: 'string', sortable: true },
    score: { type: 'number', sortable: true },
    tags: { type: 'tags' },
  },
});

@Injectable()
export class ThingRepository extends ScopedRepository<ThingEntity> {
  constructor(deps: RecordDeps) {
    super(deps, { entity: ThingEntity, resource: 'things', list: THING_LIST, noun: 'thing', audit: { redact: ['secretToken'] } });
  }
}

export class ThingInputDto {
  @IsOptional() @IsString() @MaxLength(100) name?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsInt() score?: number;
  @IsOptional() @IsArray() @IsString({ each: true }) tags?: string[];
  @IsOptional() @IsUUID() ownerId?: string;
  @IsOptional() @IsUUID() teamId?: string;
  @IsOptional() @IsString() secretToken?: string;
}

export class ThingBatchDto {
  @IsArray() @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => ThingInputDto) create: ThingInputDto[];
}

const toThing = (e: ThingEntity) => ({
  id: e.id,
  name: e.name,
  city: e.city,
  score: e.score,
  tags: e.tags,
  ownerId: e.ownerId,
  teamId: e.teamId,
  version: e.version,
  createdAt: e.createdAt.toISOString(),
  deletedAt: e.deletedAt?.toISOString() ?? null,
});

/** Stands in for the auth guard: the spec passes the Actor itself, base64 JSON in X-Test-Actor. */
@Injectable()
export class TestActorGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ id: string; headers: Record<string, string>; actor?: Actor }>();
    const raw = req.headers['x-test-actor'];
    if (!raw) throw new DomainError('UNAUTHENTICATED', 'unauthenticated', 'no test actor');
    // As the real AccessGuard does: the actor carries the request id into the audit log.
    req.actor = { ...(JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Actor), requestId: String(req.id) };
    return true;
  }
}

export const actorHeader = (actor: Actor) => Buffer.from(JSON.stringify(actor)).toString('base64');

@Injectable()
export class ThingService {
  constructor(private readonly things: ThingRepository) {}

  /** A write that fails after the record (and its audit row) were written: both must roll back. */
  @Transactional()
  async createThenFail(actor: Actor, input: ThingInputDto): Promise<never> {
    await this.things.create(actor, input);
    throw new DomainError('SIMULATED', 'conflict', 'failing after the write');
  }
}

@Public()
@UseGuards(TestActorGuard)
@Controller('test/things')
export class ThingController {
  constructor(
    private readonly things: ThingRepository,
    private readonly service: ThingService,
    private readonly batch: BatchRunner,
    private readonly audit: AuditQueryService,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @ListQueryParam(THING_LIST) q: ListQuery) {
    return toPage(await this.things.list(actor, q), toThing);
  }

  @Post('search')
  @HttpCode(200)
  async search(@CurrentActor() actor: Actor, @SearchQueryParam(THING_LIST) q: ListQuery) {
    return toPage(await this.things.list(actor, q), toThing);
  }

  @Get('count')
  async count(@CurrentActor() actor: Actor, @ListQueryParam(THING_LIST) q: ListQuery) {
    return { count: await this.things.count(actor, q) };
  }

  @Get('export')
  async export(@CurrentActor() actor: Actor, @ListQueryParam(THING_LIST) q: ListQuery) {
    const ids: string[] = [];
    for await (const t of this.things.stream(actor, q, 3)) ids.push(t.id);
    return { ids };
  }

  @Get('audit')
  async auditLog(@CurrentActor() actor: Actor, @ListQueryParam(AUDIT_LIST_SPEC) q: ListQuery) {
    return toPage(await this.audit.list(actor, q), toAuditEntryResponse);
  }

  @Post('fail')
  async fail(@CurrentActor() actor: Actor, @Body() body: ThingInputDto) {
    return this.service.createThenFail(actor, body);
  }

  @Post('batch')
  @HttpCode(200)
  async createMany(@CurrentActor() actor: Actor, @Body() body: ThingBatchDto) {
    return { results: await this.batch.run(body.create, 'create', async (item) => toThing(await this.things.create(actor, item)), 201) };
  }

  @Get(':id')
  @WithETag()
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return toThing(await this.things.findOne(actor, id));
  }

  @Post()
  @WithETag()
  async create(@CurrentActor() actor: Actor, @Body() body: ThingInputDto) {
    return toThing(await this.things.create(actor, body));
  }

  @Patch(':id')
  @WithETag()
  async update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ThingInputDto, @IfMatch() ifMatch: number | undefined) {
    return toThing(await this.things.update(actor, id, body, { ifMatch }));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string, @IfMatch() ifMatch: number | undefined): Promise<void> {
    await this.things.softDelete(actor, id, { ifMatch });
  }

  @Post(':id/restore')
  @HttpCode(200)
  @WithETag()
  async restore(@CurrentActor() actor: Actor, @Param('id') id: string, @IfMatch() ifMatch: number | undefined) {
    return toThing(await this.things.restore(actor, id, { ifMatch }));
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([ThingEntity])],
  controllers: [ThingController],
  providers: [ThingRepository, ThingService, TestActorGuard],
})
export class ThingsTestModule {}
