import { randomBytes } from 'node:crypto';
import { DynamicModule, ForwardReference, Module, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig, loadConfig } from '../../src/platform/config/config';
import { createHttpApp } from '../../src/platform/http/create-app';
import { createRootLogger } from '../../src/platform/logging/logger';
import { databaseUrl, TEST_ADMIN_DATABASE_URL, TEST_REDIS_URL } from './env';

export interface TestApp {
  app: NestFastifyApplication;
  http: () => supertest.Agent;
  config: AppConfig;
  dataSource: DataSource;
  databaseName: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Run the queue's processors and schedules in this process (box mode). */
  worker?: boolean;
  env?: Record<string, string>;
  /** Test-only modules mounted beside the app (e.g. a scoped resource that no CRM module provides yet). */
  imports?: Array<Type<unknown> | DynamicModule | ForwardReference>;
}

/** Root of a test app with extra modules: AppModule plus the test's own. */
@Module({})
class TestRootModule {}

/** A database of this file's own, cloned from the migrated template of this run. */
export async function cloneDatabase(): Promise<string> {
  const template = process.env.CRM_TEST_TEMPLATE;
  if (!template) throw new Error('CRM_TEST_TEMPLATE is not set: run e2e specs through jest (globalSetup)');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function testConfig(databaseName: string, opts: TestAppOptions = {}): AppConfig {
  const config = loadConfig('test', {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(databaseName),
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `crmtest:${databaseName}`,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: `/tmp/crm-test/${databaseName}`,
    PUBLIC_URL: 'http://localhost:3000',
    // Suites send hundreds of requests a minute from one address; rate-limit specs set their own.
    RATE_LIMIT_MAX: '100000',
    ...opts.env,
  });
  return { ...config, mode: opts.worker ? 'box' : 'api' };
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const databaseName = await cloneDatabase();
  const config = testConfig(databaseName, opts);
  const rootLogger = createRootLogger(config.logLevel);
  const root: DynamicModule = opts.imports?.length
    ? { module: TestRootModule, imports: [AppModule.forRoot(config), ...opts.imports] }
    : AppModule.forRoot(config);
  const app = await createHttpApp(root, { config, rootLogger, nestLogger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  return {
    app,
    http: () => supertest.agent(app.getHttpServer()),
    config,
    dataSource,
    databaseName,
    async close() {
      await app.close();
      await dropDatabase(databaseName);
    },
  };
}
