import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CampaignInput, RunCampaigns } from '@app/campaigns';
import { ApiKeyPrincipal } from '@app/identity';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth, CurrentApiKey } from '../auth/api-key.guard';
import { CampaignDto, CampaignProgressDto, RecipientsDto, RecipientsOutcomeDto } from './campaign.dto';

/** Bodies of up to 10,000 recipients: larger than the 1 MiB every other route takes. */
export const CAMPAIGN_BODY_LIMIT_BYTES = 16 * 1_048_576;

const actorOf = (key: ApiKeyPrincipal) => ({ type: 'api_key' as const, id: key.id, scopes: key.scopes });

@ApiTags('campaigns')
@Controller('api/v1/campaigns')
@ApiKeyAuth('campaigns:write')
export class CampaignsController {
  constructor(private readonly campaigns: RunCampaigns) {}

  @Post()
  @ApiOperation({
    summary: 'Create a relationship campaign with its first recipients; sends are spread over spreadDays',
  })
  @ApiResponse({ status: 201, type: RecipientsOutcomeDto, description: 'Created (first time)' })
  @ApiOkResponse({
    type: RecipientsOutcomeDto,
    description: 'The same externalId and body again: the first answer',
  })
  @ApiBadRequestResponse({ description: 'validation_failed, with errors[{ path, message }]' })
  @ApiConflictResponse({ description: 'The same externalId with a different body (idempotency_conflict)' })
  async create(
    @Body() body: CampaignDto,
    @CurrentApiKey() key: ApiKeyPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecipientsOutcomeDto> {
    const result = await this.campaigns.create(actorOf(key), body as CampaignInput);
    void reply.status(result.outcome === 'created' ? 201 : 200);
    return result.body;
  }

  @Post(':id/recipients')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add up to 10,000 recipients to a campaign; a borrower already in it is skipped' })
  @ApiOkResponse({ type: RecipientsOutcomeDto })
  @ApiBadRequestResponse({ description: 'validation_failed: no recipients, or more than 10,000' })
  @ApiNotFoundResponse({ description: 'No campaign with this id (not_found)' })
  @ApiConflictResponse({
    description: 'The campaign is cancelled, or its programme is no longer active (conflict)',
  })
  addRecipients(
    @Param('id') id: string,
    @Body() body: RecipientsDto,
    @CurrentApiKey() key: ApiKeyPrincipal,
  ): Promise<RecipientsOutcomeDto> {
    return this.campaigns.addRecipients(actorOf(key), id, body.recipients);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A campaign’s progress: its funnel and what was skipped' })
  @ApiOkResponse({ type: CampaignProgressDto })
  @ApiNotFoundResponse({ description: 'No campaign with this id (not_found)' })
  progress(@Param('id') id: string): Promise<CampaignProgressDto> {
    return this.campaigns.progress(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a campaign: what is not yet sent is not sent; answers to what was sent still count',
  })
  @ApiOkResponse({ type: CampaignProgressDto })
  @ApiNotFoundResponse({ description: 'No campaign with this id (not_found)' })
  cancel(@Param('id') id: string, @CurrentApiKey() key: ApiKeyPrincipal): Promise<CampaignProgressDto> {
    return this.campaigns.cancel(actorOf(key), id);
  }
}
