import { Global, Injectable, Module } from '@nestjs/common';
import { uuidv7 } from './uuid-v7';

export { uuidv7 } from './uuid-v7';

/** Time, behind a port so use cases are deterministic in unit tests. */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** New ids (payments, bank legs, lookups), behind a port for the same reason. */
export abstract class IdGenerator {
  abstract uuid(): string;
}

/**
 * UUIDv7 ids: random but for a leading timestamp, so new rows' keys go in at the right edge of
 * their index (uuid-v7.ts). Every instance draws from one process-wide sequence.
 */
@Injectable()
export class RandomIdGenerator extends IdGenerator {
  uuid(): string {
    return uuidv7();
  }
}

/** The system clock and time-ordered random ids for a whole service (unit tests provide fakes instead). */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: RandomIdGenerator },
  ],
  exports: [Clock, IdGenerator],
})
export class TimeModule {}
