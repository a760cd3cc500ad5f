import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';

/** The REST contract's cross-cutting pieces, registered once for every controller. */
@Global()
@Module({
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class HttpPlatformModule {}
