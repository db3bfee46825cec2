import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { NotFoundException, projectRoot } from '@app/core';
import type { FastifyReply } from 'fastify';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The console's stylesheet, script and Chart.js, served from the app itself (no CDN), with ETags. */
@ApiExcludeController()
@Controller('console/assets')
export class ConsoleAssetsController {
  private readonly assets = new Map<string, Asset>();

  constructor(config: AppConfig) {
    const dir = join(projectRoot(), 'templates', 'assets');
    // The package exports no path to its UMD bundle: find the package, then the file beside its entry.
    const chartEntry = createRequire(join(projectRoot(), 'package.json')).resolve('chart.js');
    const chart = join(dirname(chartEntry), 'chart.umd.min.js');
    this.add('console.css', readFileSync(join(dir, 'console.css')), 'text/css; charset=utf-8');
    this.add('theme.css', Buffer.from(`:root{--brand:${config.brandColor}}\n`), 'text/css; charset=utf-8');
    this.add('console.js', readFileSync(join(dir, 'console.js')), 'text/javascript; charset=utf-8');
    this.add('chart.umd.min.js', readFileSync(chart), 'text/javascript; charset=utf-8');
  }

  @Get(':name')
  serve(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException('The asset');
    void reply.header('ETag', asset.etag).header('Cache-Control', 'public, max-age=300, must-revalidate');
    if (ifNoneMatch === asset.etag) {
      void reply.status(304).send();
      return;
    }
    void reply.status(200).header('Content-Type', asset.type).send(asset.body);
  }

  private add(name: string, body: Buffer, type: string): void {
    this.assets.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
}
