import { Injectable } from '@nestjs/common';
import { audiencesCallableBy, ServicePrincipal } from '@kirim/contracts';
import { ServiceClients } from '../service-clients';
import { MintedServiceToken, ServiceTokenMinter } from '../service-token-minter';

export interface IssueServiceTokenCommand {
  readonly clientId: ServicePrincipal;
  readonly clientSecret: string;
  readonly audience: ServicePrincipal;
}

export type IssueServiceTokenOutcome =
  | { readonly ok: true; readonly token: MintedServiceToken }
  /** Unknown client or wrong secret: one answer for both, so a guess learns nothing. */
  | { readonly ok: false; readonly reason: 'invalid-client' }
  /** The client is who it says, but calls nothing on that service (libs/contracts INTERNAL_OPERATIONS). */
  | { readonly ok: false; readonly reason: 'audience-not-allowed' };

/**
 * The client credentials grant: a service proves itself with its own secret and gets a short-lived
 * token for one service it is declared to call. Nothing here is a user's: user tokens never
 * travel between services.
 */
@Injectable()
export class IssueServiceToken {
  constructor(
    private readonly clients: ServiceClients,
    private readonly minter: ServiceTokenMinter,
  ) {}

  async execute(command: IssueServiceTokenCommand): Promise<IssueServiceTokenOutcome> {
    if (!this.clients.isValidSecret(command.clientId, command.clientSecret)) return { ok: false, reason: 'invalid-client' };
    if (!audiencesCallableBy(command.clientId).includes(command.audience)) return { ok: false, reason: 'audience-not-allowed' };
    return { ok: true, token: await this.minter.mint(command.clientId, command.audience) };
  }
}
