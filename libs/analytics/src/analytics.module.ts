import { Module } from '@nestjs/common';
import { DashboardQueries } from './dashboard-queries.service';

@Module({ providers: [DashboardQueries], exports: [DashboardQueries] })
export class AnalyticsModule {}
