import { Controller, Get } from '@nestjs/common';
import { NotFoundException } from '@app/core';
import { Console } from './console-auth';

/**
 * Any other address under /console: the console's own 404 page (in its layout, in the user's
 * language), never problem JSON. (A trailing slash is ignored by the router: it names the same page.)
 */
@Console('agent', 'expert', 'compliance', 'admin')
@Controller('console')
export class ConsoleNotFoundController {
  @Get('*')
  notFound(): never {
    throw new NotFoundException('The page');
  }
}
