import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyErasure } from './idempotency/idempotency-erasure';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';

/**
 * The REST contract's cross-cutting pieces, registered once for every controller. (The parts
 * that live below Nest, in Fastify — body parsing, limits, CORS, rate limits — are set up in
 * create-app.ts.)
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity])],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ProblemFilter },
    IdempotencyStore,
    IdempotencyErasure,
  ],
  // @Idempotent() puts IdempotencyInterceptor on its route; Nest builds it in the controller's module.
  exports: [IdempotencyStore, IdempotencyErasure],
})
export class HttpPlatformModule {}
