import { Injectable } from '@nestjs/common';
import { UserRepository } from '../../users/user.repository';

export interface GetSmsNumberQuery {
  readonly userId: string;
}

export type GetSmsNumberResult = { readonly ok: true; readonly phone: string } | { readonly ok: false; readonly code: 'user-not-found' };

/**
 * The number to send a user's SMS receipt to: the one they registered with (E.164, stored normalized
 * and encrypted; docs/data-at-rest.md). Asked by notifications at send time for users without the app
 * (INTERNAL_OPERATIONS.GET_SMS_NUMBER), so the number never travels in an event nor rests in another
 * service. Neither this nor its controller logs the number.
 */
@Injectable()
export class GetSmsNumber {
  constructor(private readonly users: UserRepository) {}

  async execute(query: GetSmsNumberQuery): Promise<GetSmsNumberResult> {
    const user = await this.users.findById(query.userId);
    return user ? { ok: true, phone: user.phone } : { ok: false, code: 'user-not-found' };
  }
}
