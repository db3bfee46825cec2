import { Global, Module } from '@nestjs/common';
import { WorkingCalendar } from './working-calendar.service';

@Global()
@Module({ providers: [WorkingCalendar], exports: [WorkingCalendar] })
export class CalendarModule {}
