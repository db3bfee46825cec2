import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ContactEventInput, ContactEventResult, RecordContactEvents } from '@app/surveys';
import { ValidationFailedException } from '@app/core';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { ProblemDto } from '../http/problem.dto';
import { toProblem } from '../http/problem.filter';
import { validateItem } from '../http/validators';
import {
  AcceptedEventDto,
  BatchResponseDto,
  ContactEventBatchDto,
  ContactEventDto,
} from './contact-event.dto';

function toHttp(result: ContactEventResult): { status: number; body: AcceptedEventDto | ProblemDto } {
  if (result.outcome !== 'rejected')
    return { status: result.outcome === 'created' ? 202 : 200, body: result.body };
  const problem = toProblem(result.error);
  return { status: problem.status, body: problem };
}

@ApiTags('contact events')
@Controller('api/v1/contact-events')
@ApiKeyAuth('events:write')
export class ContactEventsController {
  constructor(private readonly record: RecordContactEvents) {}

  @Post()
  @ApiOperation({
    summary: 'Record a contact with a borrower; schedules a survey when the contact policy allows',
  })
  @ApiResponse({ status: 202, type: AcceptedEventDto, description: 'Recorded (first time)' })
  @ApiOkResponse({
    type: AcceptedEventDto,
    description: 'The same externalId and body again: the first answer',
  })
  @ApiConflictResponse({ description: 'The same externalId with a different body (idempotency_conflict)' })
  @ApiBadRequestResponse({ description: 'validation_failed, with errors[{ path, message }]' })
  async create(
    @Body() event: ContactEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    const [result] = await this.record.execute([event as ContactEventInput]);
    if (result!.outcome === 'rejected') throw result!.error;
    const { status, body } = toHttp(result!);
    void reply.status(status);
    return body;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record up to 1000 contact events; one bad event does not fail the others' })
  @ApiOkResponse({ type: BatchResponseDto })
  async batch(@Body() batch: ContactEventBatchDto): Promise<BatchResponseDto> {
    const checked = await Promise.all(batch.events.map((event) => validateItem(ContactEventDto, event)));
    const valid = checked.flatMap((c, index) =>
      c.errors.length === 0 ? [{ index, event: c.value as ContactEventInput }] : [],
    );
    const recorded = await this.record.execute(valid.map((v) => v.event));
    const byIndex = new Map(valid.map((v, i) => [v.index, recorded[i]!]));
    return {
      results: checked.map((c, index) => {
        const result = byIndex.get(index) ?? {
          outcome: 'rejected' as const,
          error: new ValidationFailedException(c.errors),
        };
        return { index, ...toHttp(result) };
      }),
    };
  }
}
