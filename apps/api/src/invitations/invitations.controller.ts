import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { InvitationQueries, InvitationView, PendingSurvey } from '@app/surveys';
import { ApiKeyAuth } from '../auth/api-key.guard';

class InvitationResponseDto {
  @ApiProperty() score!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) answers!: Record<string, number>;
  @ApiProperty({ nullable: true }) comment!: string | null;
}

class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['scheduled', 'sent', 'delivered', 'answered', 'expired', 'failed', 'cancelled'] })
  status!: string;
  @ApiProperty({ enum: ['sms', 'email', 'in_app'] }) channel!: string;
  @ApiProperty() survey!: string;
  @ApiProperty() sendAt!: string;
  @ApiPropertyOptional({ nullable: true }) sentAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) answeredAt!: string | null;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: InvitationResponseDto, nullable: true }) response!: InvitationResponseDto | null;
}

class PendingQuestionDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
  @ApiProperty() min!: number;
  @ApiProperty() max!: number;
  @ApiProperty({ nullable: true }) minLabel!: string | null;
  @ApiProperty({ nullable: true }) maxLabel!: string | null;
}

class PendingSurveyBodyDto {
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['CSI', 'NPS', 'CLI'] }) kind!: string;
  @ApiProperty({ type: [PendingQuestionDto] }) questions!: PendingQuestionDto[];
  @ApiProperty({ nullable: true }) commentPrompt!: string | null;
}

class PendingSurveyDto {
  @ApiProperty({ format: 'uuid' }) invitationId!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: PendingSurveyBodyDto }) survey!: PendingSurveyBodyDto;
}

class PendingSurveysDto {
  @ApiProperty({ type: [PendingSurveyDto] }) items!: PendingSurvey[];
}

@ApiTags('invitations')
@Controller('api/v1')
export class InvitationsController {
  constructor(private readonly invitations: InvitationQueries) {}

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
    return { items: externalId.length > 200 ? [] : await this.invitations.pendingInApp(externalId) };
  }
}
