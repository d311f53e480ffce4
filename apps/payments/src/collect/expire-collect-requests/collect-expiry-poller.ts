import { Inject, Injectable } from '@nestjs/common';
import { IntervalPoller } from '../../scheduling/interval-poller';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests.use-case';

/** Injection token of the poller's interval. */
export const COLLECT_EXPIRY_INTERVAL_MS = Symbol('COLLECT_EXPIRY_INTERVAL_MS');

/**
 * How often the collect requests' expiry is written. Expiries are in whole minutes and a request
 * past its expiry already reads as expired, so a few seconds behind costs nothing.
 */
export const DEFAULT_COLLECT_EXPIRY_INTERVAL_MS = 5_000;

/**
 * Every interval: a pass of ExpireCollectRequestsUseCase (due requests written expired, U69). One
 * pass at a time per process; every replica may run one (the pass skips rows another holds); a
 * failed pass is logged and the next tick tries again. Started at bootstrap, stopped (waiting for
 * the pass in progress) before the database closes: IntervalPoller does the ticking.
 */
@Injectable()
export class CollectExpiryPoller extends IntervalPoller {
  constructor(
    private readonly expireCollectRequests: ExpireCollectRequestsUseCase,
    @Inject(COLLECT_EXPIRY_INTERVAL_MS) intervalMs: number,
  ) {
    super({ intervalMs, failureMessage: 'collect expiry pass failed, will retry' });
  }

  protected async pass(): Promise<void> {
    const expired = await this.expireCollectRequests.execute();
    if (expired > 0) this.logger.log(`expired ${expired} collect request(s) (U69)`);
  }
}
