import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiKeyPrincipal } from '@app/identity';
import { ApiKeyAuth, CurrentApiKey } from './api-key.guard';

class CurrentApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], example: ['events:write'] }) scopes!: string[];
}

@ApiTags('authentication')
@Controller('api/v1/api-keys')
export class ApiKeyController {
  /** Lets an integrator check a key and its scopes before going live. */
  @Get('current')
  @ApiKeyAuth()
  @ApiOkResponse({ type: CurrentApiKeyDto })
  current(@CurrentApiKey() key: ApiKeyPrincipal): CurrentApiKeyDto {
    return { id: key.id, name: key.name, scopes: key.scopes };
  }
}
