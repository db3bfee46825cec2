// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { ConfigModule } from './config.module';
export { AppConfig, ConfigError, loadConfig } from './config';
export type { TwilioConfig } from './config';
export { runProcess } from './process';
