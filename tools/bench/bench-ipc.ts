/**
 * Messages between a bench run with --until-stopped and the process that forked it (npm run chaos),
 * over Node's IPC channel: the parent starts its disruptions once the load runs, and says when to
 * stop submitting.
 */
export type BenchToParent = { readonly type: 'load-started'; readonly users: number } | { readonly type: 'submission-ended'; readonly accepted: number };

export type ParentToBench = { readonly type: 'stop-submitting' };

export function isParentToBench(message: unknown): message is ParentToBench {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'stop-submitting';
}

export function isBenchToParent(message: unknown): message is BenchToParent {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return type === 'load-started' || type === 'submission-ended';
}
