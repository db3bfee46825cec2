// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { CampaignInvitations } from './campaign-invitations.repository';
export type { CampaignFunnel, CampaignSkip } from './campaign-invitations.repository';
export { BUILT_IN_KEYWORDS, COMMENT_CATEGORIES, mentionsRegulator, tagComment } from './comment-tags';
export { CommentKeywords, MAX_KEYWORDS_TEXT, TRIAL_COMMENTS } from './comment-keywords.repository';
export type { KeywordTrial } from './comment-keywords.repository';
export { samplingDraw } from './contact-policy';
export { EditContactPolicy } from './edit-contact-policy.use-case';
export { InvitationQueries, localize } from './invitation-query.service';
export type {
  InvitationView,
  PendingSurvey,
  ScheduledSend,
  TokenInvitation,
} from './invitation-query.service';
export { TOKEN_PATTERN, invitationToken } from './invitation-token';
export { OptOutService } from './opt-out.service';
export { INVITATION_DUE_CHANNEL, RecordContactEvents } from './record-contact-events.use-case';
export type { ContactEventInput, ContactEventResult } from './record-contact-events.use-case';
export {
  COMMENT_EDIT_WINDOW_MS,
  RecordResponse,
  SMS_COMMENT_WINDOW_MS,
  checkComment,
} from './record-response.use-case';
export type { RecordedResponse } from './record-response.use-case';
export { CreateProgramme, PROGRAMME_KINDS } from './create-programme.use-case';
export type { NewProgramme } from './create-programme.use-case';
export { ReviseSurvey } from './revise-survey.use-case';
export type { SurveyChanges } from './revise-survey.use-case';
export { parseSmsReply } from './sms-reply';
export { SurveyCatalog } from './survey-catalog.service';
export { CHANNELS } from './survey.model';
export type { Survey } from './survey.model';
export { SurveysModule } from './surveys.module';
export { UpdateComment } from './update-comment.use-case';
export { InvitationLifecycle } from './invitation-lifecycle.repository';
export type { ClaimedInvitation } from './invitation-lifecycle.repository';
export { BorrowerPersonalData } from './borrower-personal-data.repository';
export { isLowScore, primaryScore } from './scoring';
export { BorrowerDirectory } from './borrower-directory.repository';
export {
  HISTORIC_EVENT_COLUMNS,
  HISTORIC_INVITATION_COLUMNS,
  HISTORIC_RESPONSE_COLUMNS,
  SurveyHistory,
} from './survey-history.repository';
export type {
  HistoricBorrower,
  HistoricEvent,
  HistoricInvitation,
  HistoricResponse,
} from './survey-history.repository';
