export * from './complaint-workflow.service';
export * from './complaint.model';
export * from './complaints.module';
export * from './complaint-queries.service';
export * from './csv';
export * from './register-export.service';
export * from './register-format';
