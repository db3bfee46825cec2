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
