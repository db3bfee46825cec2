export * from './clock.port';
export * from './domain.exception';
export * from './ids';
export * from './logging.module';
export * from './project-root';
export * from './secrets';
export * from './keyset-cursor';
export * from './locale-strings';
