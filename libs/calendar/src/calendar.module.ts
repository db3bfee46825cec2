import { Global, Module } from '@nestjs/common';
import { EditCalendar } from './edit-calendar.service';
import { WorkingCalendar } from './working-calendar.service';

@Global()
@Module({ providers: [WorkingCalendar, EditCalendar], exports: [WorkingCalendar, EditCalendar] })
export class CalendarModule {}
