import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, JobRecordEntity, JobStatus } from '../job-record.entity';

export class JobProgressDto {
  @ApiProperty({ type: 'integer', example: 250, description: 'Units of work done' })
  done: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 1000, description: 'Units of work in all, when known' })
  total: number | null;
}

export class JobResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193b6b2-6c1e-7c3a-9b55-2f4c3d1e0a11' })
  id: string;

  @ApiProperty({ example: 'contacts.import', description: 'The job type (module.what)' })
  type: string;

  @ApiProperty({ enum: JOB_STATUSES, example: 'running' })
  status: JobStatus;

  @ApiProperty({ type: JobProgressDto })
  progress: JobProgressDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What the job returned (depends on the type); null until it succeeds',
    example: { created: 981, skipped: 19 },
  })
  result: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed', example: null })
  error: string | null;

  @ApiProperty({ type: 'integer', example: 1, description: 'Attempts started so far' })
  attempts: number;

  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  finishedAt: string | null;
}

const resultOf = (value: unknown): Record<string, unknown> | null =>
  value === null || value === undefined ? null : typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };

export function toJobResponse(job: JobRecordEntity): JobResponseDto {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: { done: job.progressDone, total: job.progressTotal },
    result: resultOf(job.result),
    error: job.error,
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}
