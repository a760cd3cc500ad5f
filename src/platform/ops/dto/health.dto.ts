import { ApiProperty } from '@nestjs/swagger';

export type CheckState = 'up' | 'down';

/** One line per dependency the API needs to serve requests. */
export class ReadinessChecksDto {
  @ApiProperty({ enum: ['up', 'down'], description: 'Postgres answers a query.', example: 'up' })
  database: CheckState;

  @ApiProperty({ enum: ['up', 'down'], description: 'Redis answers PING.', example: 'up' })
  redis: CheckState;

  @ApiProperty({ enum: ['up', 'down'], description: 'No migration is pending (down while `crm migrate` has work to do).', example: 'up' })
  migrations: CheckState;
}

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';

  @ApiProperty({ description: 'Seconds since the process started.', example: 3600 })
  uptimeSeconds: number;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}

export class CheckFailureDto {
  @ApiProperty({ enum: ['database', 'redis', 'migrations'], description: 'The failing dependency.', example: 'redis' })
  field: string;

  @ApiProperty({ example: 'did not answer within 1000 ms' })
  message: string;
}

/** The 503 problem document of /health/ready: which parts fail, and why. */
export class NotReadyProblemDto {
  @ApiProperty({ example: 'urn:crm:problem:not-ready' })
  type: string;

  @ApiProperty({ example: 'Service Unavailable' })
  title: string;

  @ApiProperty({ example: 503 })
  status: number;

  @ApiProperty({ example: 'Not ready: redis.' })
  detail: string;

  @ApiProperty({ example: '/health/ready' })
  instance: string;

  @ApiProperty({ example: '0192f4a0-6b1e-7c3d-9a2b-3c4d5e6f7a8b' })
  requestId: string;

  @ApiProperty({ enum: ['NOT_READY'], example: 'NOT_READY' })
  code: string;

  @ApiProperty({ type: [CheckFailureDto] })
  errors: CheckFailureDto[];

  @ApiProperty({ type: ReadinessChecksDto })
  checks: ReadinessChecksDto;
}
