import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { Clock, isUuid, NotFoundException } from '@app/core';
import {
  InvitationLifecycle,
  InvitationQueries,
  InvitationView,
  PendingSurvey,
  RecordedResponse,
  RecordResponse,
} from '@app/surveys';
import { ApiKeyAuth } from '../auth/api-key.guard';

class InvitationResponseDto {
  @ApiProperty() score!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) answers!: Record<string, number>;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['scheduled', 'sent', 'delivered', 'answered', 'expired', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty({ enum: ['sms', 'email', 'in_app'] }) channel!: string;
  @ApiProperty() survey!: string;
  @ApiProperty({ format: 'date-time' }) sendAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answeredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: InvitationResponseDto, nullable: true }) response!: InvitationResponseDto | null;
}

class PendingQuestionDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty({ type: String, nullable: true }) minLabel!: string | null;
  @ApiProperty({ type: String, nullable: true }) maxLabel!: string | null;
}

class PendingSurveyBodyDto {
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['CSI', 'NPS', 'CLI'] }) kind!: string;
  @ApiProperty({ type: [PendingQuestionDto] }) questions!: PendingQuestionDto[];
  @ApiProperty({ type: String, nullable: true }) commentPrompt!: string | null;
}

class PendingSurveyDto {
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: PendingSurveyBodyDto }) survey!: PendingSurveyBodyDto;
}

class PendingSurveysDto {
  @ApiProperty({ type: [PendingSurveyDto] }) items!: PendingSurvey[];
}

class InAppResponseDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { satisfaction: 4 } })
  @IsObject()
  answers!: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

class RecordedResponseDto {
  @ApiProperty({ format: 'uuid' }) responseId!: string;
  @ApiProperty() score!: number;
  @ApiProperty() low!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) callbackTaskId!: string | null;
}

@ApiTags('invitations')
@Controller('api/v1')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationQueries,
    private readonly responses: RecordResponse,
    private readonly lifecycle: InvitationLifecycle,
    private readonly clock: Clock,
  ) {}

  @Get('invitations/:id')
  @ApiKeyAuth('events:write')
  @ApiOperation({ summary: 'The state of one invitation and its response' })
  @ApiOkResponse({ type: InvitationDto })
  @ApiNotFoundResponse({ description: 'No invitation with this id' })
  get(@Param('id') id: string): Promise<InvitationView> {
    return this.invitations.get(id);
  }

  @Get('borrowers/:externalId/pending-surveys')
  @ApiKeyAuth('surveys:in_app')
  @ApiOperation({ summary: "A borrower's open in-app surveys, in the borrower's language" })
  @ApiOkResponse({ type: PendingSurveysDto })
  async pending(@Param('externalId') externalId: string): Promise<{ items: PendingSurvey[] }> {
    const items = externalId.length > 200 ? [] : await this.invitations.pendingInApp(externalId);
    if (items.length > 0)
      await this.lifecycle.markOpened(
        items.map((i) => i.invitationId),
        this.clock.now(),
      );
    return { items };
  }

  @Post('invitations/:id/response')
  @HttpCode(201)
  @ApiKeyAuth('surveys:in_app')
  @ApiOperation({
    summary: 'Answer an in-app survey; a low score opens a callback task in the same transaction',
  })
  @ApiCreatedResponse({ type: RecordedResponseDto })
  @ApiBadRequestResponse({
    description: 'validation_failed: a score out of range, not an integer, an unknown or missing question',
  })
  @ApiConflictResponse({ description: 'already_answered' })
  @ApiGoneResponse({ description: 'invitation_expired' })
  respond(@Param('id') id: string, @Body() body: InAppResponseDto): Promise<RecordedResponse> {
    if (!isUuid(id)) throw new NotFoundException('The invitation');
    return this.responses.execute(
      { invitationId: id },
      { answers: body.answers, comment: body.comment, source: 'in_app' },
    );
  }
}
