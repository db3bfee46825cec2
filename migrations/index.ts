import { InitialSchema1795300000000 } from './1795300000000-InitialSchema';
import { SurveyProgrammesAndDispatch1795300100000 } from './1795300100000-SurveyProgrammesAndDispatch';
import { Answers1795300200000 } from './1795300200000-Answers';
import { Webhooks1795300300000 } from './1795300300000-Webhooks';
import { ProductionCalendar1795300400000 } from './1795300400000-ProductionCalendar';
import { QueueIndexes1795300500000 } from './1795300500000-QueueIndexes';
import { ConsoleSessions1795300600000 } from './1795300600000-ConsoleSessions';
import { MetricRollups1795300700000 } from './1795300700000-MetricRollups';
import { Retention1795300800000 } from './1795300800000-Retention';
import { ComplaintsUndeletable1795300900000 } from './1795300900000-ComplaintsUndeletable';
import { ComplaintRegisterOfRecord1795301000000 } from './1795301000000-ComplaintRegisterOfRecord';
import { RevealedContacts1795301100000 } from './1795301100000-RevealedContacts';
import { BorrowerSearch1795301200000 } from './1795301200000-BorrowerSearch';
import { SurveyTitles1795301300000 } from './1795301300000-SurveyTitles';
import { CalendarNotesInRussian1795301400000 } from './1795301400000-CalendarNotesInRussian';
import { BorrowerSegment1795301500000 } from './1795301500000-BorrowerSegment';
import { LenderCounts1795301600000 } from './1795301600000-LenderCounts';
import { RegulatorMentions1795301700000 } from './1795301700000-RegulatorMentions';
import { CategoryRollups1795301800000 } from './1795301800000-CategoryRollups';
import { MetricTargets1795301900000 } from './1795301900000-MetricTargets';
import { CommentKeywords1795302000000 } from './1795302000000-CommentKeywords';
import { Operators1795302100000 } from './1795302100000-Operators';
import { WeeklyDigest1795302200000 } from './1795302200000-WeeklyDigest';
import { ResponseKeysetIndex1795302300000 } from './1795302300000-ResponseKeysetIndex';
import { ContactSuppressions1795302400000 } from './1795302400000-ContactSuppressions';
import { RelationshipCampaigns1795302500000 } from './1795302500000-RelationshipCampaigns';
import { ProgrammeSmsTexts1795302600000 } from './1795302600000-ProgrammeSmsTexts';

/** Every migration in order; listed explicitly so the same list works compiled and under jest. */
export const MIGRATIONS = [
  InitialSchema1795300000000,
  SurveyProgrammesAndDispatch1795300100000,
  Answers1795300200000,
  Webhooks1795300300000,
  ProductionCalendar1795300400000,
  QueueIndexes1795300500000,
  ConsoleSessions1795300600000,
  MetricRollups1795300700000,
  Retention1795300800000,
  ComplaintsUndeletable1795300900000,
  ComplaintRegisterOfRecord1795301000000,
  RevealedContacts1795301100000,
  BorrowerSearch1795301200000,
  SurveyTitles1795301300000,
  CalendarNotesInRussian1795301400000,
  BorrowerSegment1795301500000,
  LenderCounts1795301600000,
  RegulatorMentions1795301700000,
  CategoryRollups1795301800000,
  MetricTargets1795301900000,
  CommentKeywords1795302000000,
  Operators1795302100000,
  WeeklyDigest1795302200000,
  ResponseKeysetIndex1795302300000,
  ContactSuppressions1795302400000,
  RelationshipCampaigns1795302500000,
  ProgrammeSmsTexts1795302600000,
];
