import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One dependency readiness depends on, e.g. Kafka from libs/messaging. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<HealthIndicatorResult>;
}

/** Injects the collected `ReadinessCheck[]` (the database check is built in, not in this list). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
