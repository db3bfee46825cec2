// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export {
  CAMPAIGN_CSV_COLUMNS,
  CampaignCsvError,
  campaignCsvRows,
  csvLayout,
  MAX_CAMPAIGN_ROWS,
} from './campaign-csv';
export type { CsvLayout, CsvRow } from './campaign-csv';
export { checkCampaignFile, layoutOf, LISTED_BAD_ROWS } from './campaign-file';
export type { CampaignFile } from './campaign-file';
export {
  MAX_CAMPAIGN_FILE_BYTES,
  MAX_SPREAD_DAYS,
  RECIPIENT_SKIPS,
  RECIPIENTS_PER_CALL,
} from './campaign.model';
export type {
  CampaignInput,
  CampaignPreview,
  CampaignProgress,
  CsvCheck,
  CampaignState,
  RecipientSkip,
  RecipientsOutcome,
} from './campaign.model';
export { CampaignsModule } from './campaigns.module';
export { recipientErrors } from './recipient';
export type { RecipientInput } from './recipient';
export { RunCampaigns } from './run-campaigns.use-case';
export type { CampaignCallResult, CampaignDraftInput } from './run-campaigns.use-case';
