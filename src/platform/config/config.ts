import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** How the process runs: decides which variables are required. */
export type RunMode = 'api' | 'worker' | 'box' | 'cli' | 'test';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

const URL_PG = /^postgres(ql)?:\/\/.+/;
const URL_REDIS = /^rediss?:\/\/.+/;
const URL_SMTP = /^smtps?:\/\/.+/;
const URL_HTTP = /^https?:\/\/[^\s]+$/;

/**
 * Every environment variable the box reads, with its default. `.env.example` documents the
 * same list; `config.spec.ts` checks the two stay in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test']) NODE_ENV: string = 'production';
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @Transform(emptyToUndefined) @IsOptional() @Matches(URL_HTTP, { message: 'must be an http(s) URL' }) PUBLIC_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @Matches(URL_PG, { message: 'must be a postgres:// URL' }) DATABASE_URL?: string;
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE: number = 10;
  @Transform(toBool) @IsBoolean() DATABASE_PREPARED_STATEMENTS: boolean = true;
  @Transform(emptyToUndefined) @IsOptional() @Matches(URL_REDIS, { message: 'must be a redis:// URL' }) REDIS_URL?: string;
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits or _.:-' }) REDIS_PREFIX: string = 'crm';
  @IsString() DATA_DIR: string = './data';

  @IsString() @MinLength(1) TIMEZONE: string = 'UTC';
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'must be an email address' }) ADMIN_EMAIL?: string;
  @Transform(emptyToUndefined) @IsOptional() @MinLength(12) ADMIN_PASSWORD?: string;

  @Transform(emptyToUndefined) @IsOptional() @Matches(URL_SMTP, { message: 'must be an smtp:// or smtps:// URL' }) SMTP_URL?: string;
  @IsString() MAIL_FROM: string = 'CRM <crm@localhost>';

  @Transform(emptyToUndefined) @IsOptional() @MinLength(32) JWT_SECRET?: string;
  @Transform(toInt) @IsInt() @Min(60) @Max(86400) ACCESS_TOKEN_TTL: number = 900;
  @Transform(toInt) @IsInt() @Min(3600) @Max(31536000) REFRESH_TOKEN_TTL: number = 2592000;

  @IsString() CORS_ORIGINS: string = '';
  @Transform(toInt) @IsInt() @Min(1024) BODY_LIMIT: number = 1048576;
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_MAX: number = 600;
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_WINDOW_SECONDS: number = 60;
  @Transform(toInt) @IsInt() @Min(1) @Max(720) IDEMPOTENCY_TTL_HOURS: number = 24;

  @Transform(toInt) @IsInt() @Min(1) @Max(50) JOB_ATTEMPTS: number = 5;
  @Transform(toInt) @IsInt() @Min(1) @Max(64) WORKER_CONCURRENCY: number = 4;
  @IsString() HOUSEKEEPING_CRON: string = '0 3 * * *';
  @Transform(toInt) @IsInt() @Min(1) JOB_RETENTION_DAYS: number = 14;
  @Transform(toInt) @IsInt() @Min(10) @Max(3600000) JOB_BACKOFF_MS: number = 5000;
  @Transform(toInt) @IsInt() @Min(500) @Max(600000) JOB_LOCK_MS: number = 30000;
  @Transform(toInt) @IsInt() @Min(0) @Max(600000) JOB_SHUTDOWN_GRACE_MS: number = 20000;
  @Transform(toInt) @IsInt() @Min(20) @Max(60000) OUTBOX_POLL_MS: number = 1000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
  @Transform(toBool) @IsBoolean() TRUST_PROXY: boolean = false;
}

export interface AppConfig {
  env: string;
  mode: RunMode;
  http: {
    port: number;
    host: string;
    publicUrl: string;
    corsOrigins: string[];
    bodyLimit: number;
    trustProxy: boolean;
    rateLimit: { max: number; windowSeconds: number };
  };
  database: { url?: string; poolSize: number; preparedStatements: boolean };
  redis: { url?: string; prefix: string };
  dataDir: string;
  timezone: string;
  admin: { email?: string; password?: string };
  mail: { smtpUrl?: string; from: string };
  auth: { jwtSecret?: string; accessTokenTtl: number; refreshTokenTtl: number };
  idempotencyTtlHours: number;
  jobs: {
    attempts: number;
    concurrency: number;
    housekeepingCron: string;
    retentionDays: number;
    /** First retry delay; each further attempt doubles it. */
    backoffMs: number;
    /** How long a worker holds a job before it counts as stalled (crashed worker) and runs elsewhere. */
    lockMs: number;
    /** On shutdown, how long active jobs may run on before the worker lets go of them. */
    shutdownGraceMs: number;
    /** The outbox relay's polling interval; commits also wake it at once (LISTEN/NOTIFY). */
    outboxPollMs: number;
  };
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(mode: RunMode, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, 'DATABASE_URL', 'REDIS_URL', 'PUBLIC_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'SMTP_URL', 'JWT_SECRET']) {
    // `PORT=` in an env file means "not set" (the default), not an invalid empty value.
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const problems = validateSync(vars, { skipMissingProperties: false }).map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')} (got ${JSON.stringify(raw[e.property] ?? null)})`,
  );
  if (!isValidTimeZone(vars.TIMEZONE)) problems.push(`TIMEZONE: not an IANA time zone (got ${JSON.stringify(vars.TIMEZONE)})`);
  if ((mode === 'api' || mode === 'worker' || mode === 'cli') && !vars.DATABASE_URL) {
    problems.push('DATABASE_URL: required outside box mode (postgres://user:pass@host:5432/db)');
  }
  if ((mode === 'api' || mode === 'worker') && !vars.REDIS_URL) {
    problems.push('REDIS_URL: required outside box mode (redis://host:6379)');
  }
  if ((mode === 'api' || mode === 'worker') && !vars.JWT_SECRET) {
    problems.push('JWT_SECRET: required outside box mode (at least 32 characters)');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    env: vars.NODE_ENV,
    mode,
    http: {
      port: vars.PORT,
      host: vars.HOST,
      publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
      corsOrigins: vars.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
      bodyLimit: vars.BODY_LIMIT,
      trustProxy: vars.TRUST_PROXY,
      rateLimit: { max: vars.RATE_LIMIT_MAX, windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS },
    },
    database: { url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE, preparedStatements: vars.DATABASE_PREPARED_STATEMENTS },
    redis: { url: vars.REDIS_URL, prefix: vars.REDIS_PREFIX },
    dataDir: vars.DATA_DIR,
    timezone: vars.TIMEZONE,
    admin: { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD },
    mail: { smtpUrl: vars.SMTP_URL, from: vars.MAIL_FROM },
    auth: { jwtSecret: vars.JWT_SECRET, accessTokenTtl: vars.ACCESS_TOKEN_TTL, refreshTokenTtl: vars.REFRESH_TOKEN_TTL },
    idempotencyTtlHours: vars.IDEMPOTENCY_TTL_HOURS,
    jobs: {
      attempts: vars.JOB_ATTEMPTS,
      concurrency: vars.WORKER_CONCURRENCY,
      housekeepingCron: vars.HOUSEKEEPING_CRON,
      retentionDays: vars.JOB_RETENTION_DAYS,
      backoffMs: vars.JOB_BACKOFF_MS,
      lockMs: vars.JOB_LOCK_MS,
      shutdownGraceMs: vars.JOB_SHUTDOWN_GRACE_MS,
      outboxPollMs: vars.OUTBOX_POLL_MS,
    },
    logLevel: vars.LOG_LEVEL,
  };
}
