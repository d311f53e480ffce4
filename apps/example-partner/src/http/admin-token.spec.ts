import { adminTokenMatches } from './admin-token';

describe('adminTokenMatches', () => {
  it('matches only the configured token', () => {
    expect(adminTokenMatches('a-long-admin-token-1', 'a-long-admin-token-1')).toBe(true);
    expect(adminTokenMatches('a-long-admin-token-2', 'a-long-admin-token-1')).toBe(false);
    expect(adminTokenMatches(undefined, 'a-long-admin-token-1')).toBe(false);
    expect(adminTokenMatches(['a-long-admin-token-1'], 'a-long-admin-token-1')).toBe(false);
    expect(adminTokenMatches('', '')).toBe(false);
  });
});
