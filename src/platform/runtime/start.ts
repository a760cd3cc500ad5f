import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { AppConfig, ConfigError, loadConfig } from '../config/config';
import { createHttpApp } from '../http/create-app';
import { createRootLogger, PinoNestLogger } from '../logging/logger';
import { migrate } from '../database/migrator';
import { BoxDependencies, startBoxDependencies } from './box';

/** Longer than the worker's JOB_SHUTDOWN_GRACE_MS default (20 s); docker/compose.yml gives containers 35 s to stop. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** Starts api, worker or box (both, with embedded Postgres and Redis when none are configured). */
export async function startProcess(mode: 'api' | 'worker' | 'box', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(mode, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its default.\n`);
      process.exit(1);
    }
    throw err;
  }
  const startedAt = process.hrtime.bigint();
  const rootLogger = createRootLogger(config.logLevel);
  const nestLogger = new PinoNestLogger(rootLogger);
  let box: BoxDependencies | undefined;
  if (mode === 'box') {
    box = await startBoxDependencies(config, rootLogger);
    config = box.config;
  }

  let app: INestApplicationContext;
  try {
    if (mode === 'worker') {
      app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: nestLogger });
      await app.init();
      rootLogger.info({ mode }, 'worker started');
    } else {
      const http = await createHttpApp(AppModule.forRoot(config), { config, rootLogger, nestLogger });
      if (box) {
        const ds = http.get(DataSource);
        const applied = await migrate(ds);
        if (applied.length) rootLogger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
        await box.afterMigrate(http);
      }
      await http.listen({ port: config.http.port, host: config.http.host });
      app = http;
      rootLogger.info({ mode, port: config.http.port, startupMs: Number((process.hrtime.bigint() - startedAt) / 1_000_000n) }, 'api listening');
      if (box) process.stdout.write(`\nCRM box is running.\n  API:  ${config.http.publicUrl}/api/v1\n  Docs: ${config.http.publicUrl}/docs\n\n`);
    }
  } catch (err) {
    await box?.stop();
    throw err;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rootLogger.info({ signal }, 'shutting down');
    // Past this, something hangs: stop the embedded services anyway, then leave.
    const timer = setTimeout(() => {
      rootLogger.error({ afterMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      void (box?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    let code = 0;
    try {
      // HTTP first (Fastify stops accepting, answers 503 to new requests on kept-alive
      // connections, lets in-flight ones finish), then jobs, pools and clients.
      await app.close();
    } catch (err) {
      code = 1;
      rootLogger.error({ err }, 'shutdown failed');
    }
    await box?.stop();
    rootLogger.info({ signal }, 'stopped');
    rootLogger.flush?.();
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void stop(signal));
}

