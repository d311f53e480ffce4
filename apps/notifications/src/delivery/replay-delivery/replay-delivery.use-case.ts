import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { DeliveryRepository, ReplayOutcome } from '../delivery.repository';

export interface ReplayDeliveryCommand {
  readonly deliveryId: string;
  /** Who asked, as the operator API authenticated them. */
  readonly operator: string;
}

/**
 * An operator sends a dead delivery again once its cause is fixed (the endpoint is back, its
 * secret rotated): dead → pending, due now, with its attempts reset; the row keeps who replayed it
 * and when, and the log says so too. Anything but a dead delivery is refused (409): a pending one
 * is still being tried, a delivered one arrived.
 */
@Injectable()
export class ReplayDelivery {
  private readonly logger = new Logger(ReplayDelivery.name);

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: ReplayDeliveryCommand): Promise<ReplayOutcome> {
    const result = await this.repository.replayDead(command.deliveryId, this.clock.now(), command.operator);
    this.logger.warn({ operator: command.operator, deliveryId: command.deliveryId, outcome: result.outcome }, result.outcome === 'replayed' ? 'dead delivery replayed by an operator' : 'delivery replay by an operator refused');
    return result;
  }
}
