import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { AppConfig, ConfigError, loadConfig } from '../config/config';
import { createHttpApp } from '../http/create-app';
import { createRootLogger, PinoNestLogger } from '../logging/logger';
import { migrate } from '../database/migrator';
import { BoxDependencies, startBoxDependencies } from './box';

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
      rootLogger.info({ mode, port: config.http.port }, 'api listening');
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
    const timer = setTimeout(() => process.exit(1), 30_000);
    timer.unref();
    try {
      await app.close();
      await box?.stop();
    } finally {
      rootLogger.flush?.();
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
