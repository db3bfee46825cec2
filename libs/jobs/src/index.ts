export { JobsModule } from './jobs.module';
export { DispatchJob } from './dispatch.job';
