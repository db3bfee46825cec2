import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { COMMENT_CATEGORIES } from '@app/surveys';
import { CallbackTaskQueries } from '@app/callbacks';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { CallbackTaskDetailDto, CallbackTaskPageDto } from './callback-task.dto';

export class TaskListQuery {
  @ApiPropertyOptional({ enum: ['open', 'in_progress', 'complaint', 'closed'] })
  @IsOptional()
  @IsIn(['open', 'in_progress', 'complaint', 'closed'])
  status?: string;

  @ApiPropertyOptional({ description: 'Only tasks whose first contact is overdue' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Tasks assigned to this staff member' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: COMMENT_CATEGORIES, description: 'Tasks tagged with this category' })
  @IsOptional()
  @IsIn(COMMENT_CATEGORIES)
  category?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

@ApiTags('callback tasks')
@Controller('api/v1/callback-tasks')
@ApiKeyAuth('tasks:read')
export class CallbackTasksController {
  constructor(private readonly tasks: CallbackTaskQueries) {}

  @Get()
  @ApiOperation({
    summary: 'The callback queue in queue order (priority, then first-contact due time), keyset-paginated',
  })
  @ApiOkResponse({ type: CallbackTaskPageDto })
  list(@Query() query: TaskListQuery): Promise<CallbackTaskPageDto> {
    return this.tasks.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One task with its response, attempts and complaint' })
  @ApiOkResponse({ type: CallbackTaskDetailDto })
  @ApiNotFoundResponse({ description: 'No task with this id (not_found)' })
  get(@Param('id') id: string): Promise<CallbackTaskDetailDto> {
    return this.tasks.get(id);
  }
}
