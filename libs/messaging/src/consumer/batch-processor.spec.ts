import { isTransientDatabaseError } from './batch-processor';

describe('isTransientDatabaseError', () => {
  it.each(['40P01', '40001', '08006', '57P01', '53300'])('treats SQLSTATE %s as transient (retry the chunk, never dead-letter)', (code) => {
    expect(isTransientDatabaseError({ code })).toBe(true);
    expect(isTransientDatabaseError({ driverError: { code } })).toBe(true);
  });

  it.each(['23505', '22P02', undefined])('treats SQLSTATE %s as the message\'s own failure', (code) => {
    expect(isTransientDatabaseError({ code })).toBe(false);
    expect(isTransientDatabaseError(new Error('boom'))).toBe(false);
  });
});
