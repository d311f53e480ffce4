import { Injectable } from '@nestjs/common';
import { Clock, MAX_ACCESS_TOKEN_TTL_SECONDS } from '@kirim/platform';
import { DeviceBindingRepository } from '../device-binding.repository';

export interface ListBindingRevocationsCommand {
  /** The cursor of the previous page; absent on a verifier's first read. */
  readonly after: string | null;
  readonly limit: number;
}

export interface BindingRevocationsPage {
  readonly revocations: readonly { readonly bindingId: string; readonly revokedAt: Date }[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

/**
 * The revocation feed every other service polls (libs/platform RevocationFeedPoller). A first read
 * gets only the revocations whose tokens may still be alive (MAX_ACCESS_TOKEN_TTL_SECONDS and a
 * minute of slack); older ones cannot matter to a verifier.
 */
@Injectable()
export class ListBindingRevocations {
  constructor(
    private readonly bindings: DeviceBindingRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: ListBindingRevocationsCommand): Promise<BindingRevocationsPage> {
    // The end of the feed is read first: anything appended meanwhile is read next time, never skipped.
    const end = command.after === null ? await this.bindings.lastRevocationPosition() : null;
    const since = new Date(this.clock.now().getTime() - (MAX_ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    const rows = await this.bindings.revocationsAfter(command.after, since, command.limit);
    const page = end === null ? rows : rows.filter((row) => BigInt(row.position) <= BigInt(end));
    const last = page.at(-1)?.position ?? command.after ?? end ?? '0';
    return {
      revocations: page.map((row) => ({ bindingId: row.bindingId, revokedAt: row.revokedAt })),
      cursor: last,
      hasMore: rows.length === command.limit,
    };
  }
}
