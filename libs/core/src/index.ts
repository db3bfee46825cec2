// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { canonicalJson } from './canonical-json';
export { Clock, FixedClock, SystemClock } from './clock.port';
export {
  DomainException,
  ERROR_CODES,
  NotFoundException,
  RetryLaterException,
  ValidationFailedException,
} from './domain.exception';
export type { ErrorCode, FieldError } from './domain.exception';
export { isIsoDate, isStorableText, isUuid } from './ids';
export { isPlainText } from './plain-text';
export { isE164Phone } from './phone';
export { smsSegments } from './sms-segments';
export type { SmsSegments } from './sms-segments';
export { periodErrors } from './period';
export { decodeCursor, encodeCursor } from './keyset-cursor';
export { AppLogger, LoggingModule, ROUTE_PATTERN, errorForLog } from './logging.module';
export { projectRoot } from './project-root';
export {
  constantTimeEqual,
  deriveSecret,
  openSecret,
  randomToken,
  sealSecret,
  secretDigest,
} from './secrets';
export { TemplateEngine, TemplatesModule } from './template-engine';
export { startWorkerThread } from './worker-thread';
export { CsvReader, CsvSyntaxError } from './csv-reader';
export type { CsvRecord } from './csv-reader';
