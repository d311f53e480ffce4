export * from './operator-keys';
export * from './operator-auth.config';
export * from './operator.guard';
export * from './operator-auth.module';
