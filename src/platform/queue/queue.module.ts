import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';

@Module({})
export class QueueModule {
  static forRoot(_config: AppConfig): DynamicModule {
    return { module: QueueModule };
  }
}
