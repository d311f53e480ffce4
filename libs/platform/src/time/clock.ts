import { randomUUID } from 'node:crypto';
import { Global, Injectable, Module } from '@nestjs/common';

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

@Injectable()
export class RandomIdGenerator extends IdGenerator {
  uuid(): string {
    return randomUUID();
  }
}

/** The system clock and random ids for a whole service (unit tests provide fakes instead). */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: RandomIdGenerator },
  ],
  exports: [Clock, IdGenerator],
})
export class TimeModule {}
