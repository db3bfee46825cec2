import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainException } from '@app/core';
import { DataSource } from 'typeorm';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'ready'] }) status!: string;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  @ApiOkResponse({ type: HealthDto, description: 'The process is alive.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database is reachable', security: [] })
  @ApiOkResponse({ type: HealthDto, description: 'The database is reachable.' })
  @ApiServiceUnavailableResponse({ description: 'The database is not reachable.' })
  async ready(): Promise<{ status: 'ready' }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainException('unavailable', 'The database is not reachable.');
    }
    return { status: 'ready' };
  }
}
