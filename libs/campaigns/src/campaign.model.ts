/** Stored statuses: a console draft waits to be started; the API's campaigns are scheduled at once. */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'paused', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** What the API and the console show: scheduled before its start, sending while sends remain, then finished. */
export type CampaignState = 'draft' | 'scheduled' | 'sending' | 'finished' | 'paused' | 'cancelled';

/** Why a recipient got no invitation: the contact policy's reasons, or already in this campaign. */
export const RECIPIENT_SKIPS = ['contact_cap', 'opted_out', 'no_reachable_channel', 'duplicate'] as const;
export type RecipientSkip = (typeof RECIPIENT_SKIPS)[number];

/** The most recipients one call (or one page of a file) carries. */
export const RECIPIENTS_PER_CALL = 10_000;
export const MAX_SPREAD_DAYS = 30;
/** The largest file the console takes (about 300,000 rows); larger lists go through the CLI or the API. */
export const MAX_CAMPAIGN_FILE_BYTES = 32 * 1_048_576;

export interface CampaignInput {
  externalId: string;
  name: string;
  survey: string;
  startAt?: string | null;
  spreadDays?: number | null;
  recipients: unknown[];
}

/** The answer to a create or an added page: what this call's recipients became. */
export interface RecipientsOutcome {
  id: string;
  status: CampaignState;
  recipients: number;
  accepted: number;
  skipped: Partial<Record<RecipientSkip, number>>;
  rejected: { index: number; errors: { path: string; message: string }[] }[];
}

/** A campaign file read through: its good rows counted, its bad ones listed by line (the first 50). */
export interface CsvCheck {
  encoding: 'utf-8' | 'windows-1251';
  delimiter: ',' | ';';
  rows: number;
  good: number;
  bad: number;
  badRows: { line: number; errors: { path: string; message: string }[] }[];
}

/** What a console draft's file would do, worked out before anything is sent. */
export interface CampaignPreview extends CsvCheck {
  fileName: string;
  wouldInvite: number;
  wouldSkip: Partial<Record<RecipientSkip, number>>;
}

export interface CampaignProgress {
  id: string;
  externalId: string | null;
  name: string;
  survey: string;
  status: CampaignState;
  startAt: string;
  spreadDays: number;
  recipients: number;
  scheduled: number;
  sent: number;
  delivered: number;
  opened: number;
  answered: number;
  skipped: Partial<Record<RecipientSkip, number>>;
  createdAt: string;
}
