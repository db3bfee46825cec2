import { Module } from '@nestjs/common';
import { TableExports } from './table-exports.service';

@Module({ providers: [TableExports], exports: [TableExports] })
export class ExportsModule {}
