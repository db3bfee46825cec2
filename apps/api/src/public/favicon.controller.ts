import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

/** Browsers ask for it on every page; an empty answer keeps their consoles and our 404 counts clean. */
@ApiExcludeController()
@Controller()
export class FaviconController {
  @Get('favicon.ico')
  @HttpCode(204)
  @Header('Cache-Control', 'public, max-age=86400')
  favicon(): void {}
}
