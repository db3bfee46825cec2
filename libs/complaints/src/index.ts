export * from './complaint-workflow.service';
export * from './complaint.model';
export * from './complaints.module';
export * from './complaint-queries.service';
