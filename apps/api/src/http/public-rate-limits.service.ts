import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RateLimiter } from './rate-limiter';

/** How many requests per minute a Twilio-signed sender may make (replies to surveys are a few at most). */
const PER_SENDER = 30;
/** Per link token: one borrower's page, however many addresses it is opened from. */
const PER_TOKEN = 30;
/** Twilio posts every borrower's reply and status from a few addresses: their allowance is wider. */
const WEBHOOK_FACTOR = 10;

/**
 * The limits of everything reachable without a login, in one place: the survey pages and the
 * unsubscribe link share a per-address and a per-token budget; Twilio's callbacks have a wider
 * per-address budget (checked before the signature, so a flood costs little) and a per-sender one
 * (checked after it, so a forger cannot spend a borrower's budget). Counters live in this process.
 */
@Injectable()
export class PublicRateLimits {
  private readonly perAddress: RateLimiter;
  private readonly perToken = new RateLimiter(PER_TOKEN, 60_000);
  private readonly perWebhookAddress: RateLimiter;
  private readonly perSender = new RateLimiter(PER_SENDER, 60_000);

  constructor(config: AppConfig) {
    this.perAddress = new RateLimiter(config.publicRateLimit, 60_000);
    this.perWebhookAddress = new RateLimiter(config.publicRateLimit * WEBHOOK_FACTOR, 60_000);
  }

  /** A survey or unsubscribe page opened or posted from `address` with `token`. */
  allowPage(address: string, token: string): boolean {
    return this.perAddress.hit(address) && this.perToken.hit(token.slice(0, 64));
  }

  allowWebhook(address: string): boolean {
    return this.perWebhookAddress.hit(address);
  }

  allowSender(phone: string): boolean {
    return this.perSender.hit(phone);
  }
}
