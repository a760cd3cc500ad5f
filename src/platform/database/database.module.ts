import { ExecutionContext, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule, ClsService } from 'nestjs-cls';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { Actor, CLS_ACTOR } from '../access/actor';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';

/**
 * Postgres through TypeORM (migrations only, never synchronize) and the request/job context
 * (nestjs-cls) that carries the caller and the current transaction: `@Transactional()` on a
 * service method, `TransactionHost.tx` for the EntityManager inside it.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database.url as string, config.database.poolSize),
        autoLoadEntities: true,
        retryAttempts: 0,
      }),
    }),
    ClsModule.forRoot({
      global: true,
      // The context is opened by an interceptor, around the handler and everything it calls:
      // under Fastify neither a middleware's run() nor a guard's enterWith() reaches the handler.
      // Guards run before it, so the caller they authenticated is copied from the request.
      interceptor: {
        mount: true,
        generateId: true,
        idGenerator: (ctx: ExecutionContext) => String(ctx.switchToHttp().getRequest<{ id?: string }>().id ?? ''),
        setup: (cls: ClsService, ctx: ExecutionContext) => {
          const actor = ctx.switchToHttp().getRequest<{ actor?: Actor }>().actor;
          if (actor) cls.set(CLS_ACTOR, actor);
        },
      },
      plugins: [
        new ClsPluginTransactional({
          imports: [TypeOrmModule],
          adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
          enableTransactionProxy: true,
        }),
      ],
    }),
  ],
})
export class DatabaseModule {}
