/** The raw token of a `Bearer <token>` header that JwtAuthGuard already verified (forwarded to peers as-is). */
export function bearerTokenOf(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/.exec((authorization ?? '').trim());
  if (!match) throw new Error('bearerTokenOf called on a request JwtAuthGuard did not authenticate');
  return match[1];
}
