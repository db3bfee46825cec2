// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { JobsModule } from './jobs.module';
