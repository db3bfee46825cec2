import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { API_SCOPES, ApiKeyPrincipal } from '@app/identity';
import { ApiKeyAuth, CurrentApiKey } from './api-key.guard';

class CurrentApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CRM' }) name!: string;
  @ApiProperty({ type: [String], enum: API_SCOPES, example: ['events:write'] }) scopes!: string[];
}

@ApiTags('authentication')
@Controller('api/v1/api-keys')
export class ApiKeyController {
  /** Lets an integrator check a key and its scopes before going live. */
  @Get('current')
  @ApiKeyAuth()
  @ApiOperation({ summary: 'The key you are calling with and its scopes: check a key before going live' })
  @ApiOkResponse({ type: CurrentApiKeyDto })
  current(@CurrentApiKey() key: ApiKeyPrincipal): CurrentApiKeyDto {
    return { id: key.id, name: key.name, scopes: key.scopes };
  }
}
