import { AdminCalendarController } from './admin-calendar.controller';
import { AdminTargetsController } from './admin-targets.controller';
import { AdminKeywordsController } from './admin-keywords.controller';
import { AdminOperatorsController } from './admin-operators.controller';
import { AdminSuppressionsController } from './admin-suppressions.controller';
import { AdminCampaignsController } from './admin-campaigns.controller';
import { PeopleController } from './people.controller';
import { AdminCriteriaController } from './admin-criteria.controller';
import { AdminPolicyController } from './admin-policy.controller';
import { AdminSurveysController } from './admin-surveys.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminWebhooksController } from './admin-webhooks.controller';
import { AuditLogController } from './audit-log.controller';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleGuard } from './console-auth';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleRenderer } from './console-renderer.service';
import { ComplaintWorkController } from './complaint-work.controller';
import { ConsoleNotFoundController } from './console-not-found.controller';
import { ComplaintPage } from './complaint-page';
import { ComplaintPageController } from './complaint-page.controller';
import { RegisterPageController } from './register-page.controller';
import { DashboardController } from './dashboard.controller';
import { OutboxController } from './outbox.controller';
import { QueueController } from './queue.controller';
import { ResponsesPageController } from './responses-page.controller';
import { SearchController } from './search.controller';
import { TaskPageController } from './task-page.controller';
import { SessionController, SignInController } from './sign-in.controller';

/** The staff console under /console: server-rendered pages, one controller per area. */
export const CONSOLE_CONTROLLERS = [
  ConsoleAssetsController,
  SignInController,
  SessionController,
  QueueController,
  TaskPageController,
  ComplaintWorkController,
  RegisterPageController,
  ComplaintPageController,
  DashboardController,
  ResponsesPageController,
  AuditLogController,
  OutboxController,
  AdminUsersController,
  AdminSurveysController,
  AdminPolicyController,
  AdminWebhooksController,
  AdminCalendarController,
  AdminTargetsController,
  AdminKeywordsController,
  AdminOperatorsController,
  AdminSuppressionsController,
  AdminCampaignsController,
  PeopleController,
  AdminCriteriaController,
  SearchController,
  // Last: every other /console address.
  ConsoleNotFoundController,
];
export const CONSOLE_PROVIDERS = [ConsoleRenderer, ConsoleGuard, ConsoleExceptionFilter, ComplaintPage];
