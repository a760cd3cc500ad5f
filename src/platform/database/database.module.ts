import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { withoutGlobalEnhancers } from './cls';
import { dataSourceOptions } from './data-source-options';
import { usePreparedStatements } from './pool-query';
import { CacheVersions } from './cache-versions';

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
      useFactory: (config: AppConfig) => {
        usePreparedStatements(config.database.preparedStatements);
        return { ...dataSourceOptions(config.database.url as string, config.database.poolSize), autoLoadEntities: true, retryAttempts: 0 };
      },
    }),
    // An HTTP request's context is opened by a Fastify preHandler hook (http/request-context.ts),
    // a job's by the worker, a CLI command's by the CLI: no middleware, guard or interceptor here.
    withoutGlobalEnhancers(
      ClsModule.forRoot({
        global: true,
        plugins: [
          new ClsPluginTransactional({
            imports: [TypeOrmModule],
            adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
            enableTransactionProxy: true,
          }),
        ],
      }),
    ),
  ],
  providers: [CacheVersions],
  exports: [CacheVersions],
})
export class DatabaseModule {}
