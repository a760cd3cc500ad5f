import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { HttpTelemetry } from './http-telemetry';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { IdentityModule } from '../identity/identity.module';
import { DemoSeedService } from './seed/demo-seed.service';
import { PlatformDemoSeeder } from './seed/platform-demo.seeder';

/** What operators see of a running box: health probes, Prometheus metrics, request logs, demo data. */
@Module({
  imports: [DiscoveryModule, IdentityModule],
  controllers: [HealthController, MetricsController],
  providers: [HealthService, MetricsService, HttpTelemetry, DemoSeedService, PlatformDemoSeeder],
  exports: [MetricsService, HealthService, DemoSeedService],
})
export class OpsModule {}
