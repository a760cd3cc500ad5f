import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { CursorCodec } from './cursor';

/** The list/query engine's one stateful piece: the key that signs cursors. */
@Global()
@Module({
  providers: [{ provide: CursorCodec, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new CursorCodec(config.auth.jwtSecret) }],
  exports: [CursorCodec],
})
export class QueryModule {}
