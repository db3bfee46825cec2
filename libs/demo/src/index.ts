// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { DemoDataService } from './demo-data.service';
export type { DemoCredentials } from './demo-data.service';
export { DemoHistoryService } from './demo-history.service';
export { DemoModule } from './demo.module';
