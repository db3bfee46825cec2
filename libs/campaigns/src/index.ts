// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export {
  CAMPAIGN_CSV_COLUMNS,
  CampaignCsvError,
  campaignCsvRows,
  csvLayout,
  MAX_CAMPAIGN_ROWS,
} from './campaign-csv';
export type { CsvLayout, CsvRow } from './campaign-csv';
export { MAX_SPREAD_DAYS, RECIPIENT_SKIPS, RECIPIENTS_PER_CALL } from './campaign.model';
export type {
  CampaignInput,
  CampaignProgress,
  CampaignState,
  RecipientSkip,
  RecipientsOutcome,
} from './campaign.model';
export { CampaignsModule } from './campaigns.module';
export { recipientErrors } from './recipient';
export type { RecipientInput } from './recipient';
export { RunCampaigns } from './run-campaigns.use-case';
export type { CampaignCallResult } from './run-campaigns.use-case';
