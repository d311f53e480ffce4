import { ApiProperty } from '@nestjs/swagger';
import { KIRIM_PSP_HANDLE, MerchantAddressReservation, PAYMENT_HANDLE_MAX_LENGTH, PAYMENT_HANDLE_MIN_LENGTH, ReserveMerchantAddressRequest } from '@kirim/contracts';

/*
 * The internal contract (libs/contracts internal-contracts.ts, reserve-merchant-address) with its
 * OpenAPI description: the validation is the contract's, so identity and payments cannot disagree.
 */

export class ReserveMerchantAddressBody extends ReserveMerchantAddressRequest {
  @ApiProperty({ format: 'uuid', description: 'The user who onboards the merchant, as payments authenticated them.' })
  declare ownerUserId: string;

  @ApiProperty({ format: 'uuid', description: "payments' id of the merchant; the same merchant, owner and handle again is the same reservation." })
  declare merchantId: string;

  @ApiProperty({
    example: 'chai.point',
    minLength: PAYMENT_HANDLE_MIN_LENGTH,
    maxLength: PAYMENT_HANDLE_MAX_LENGTH,
    description: `The handle alone, lowercase, without "@${KIRIM_PSP_HANDLE}" (docs/payment-addresses.md).`,
  })
  declare handle: string;
}

export class MerchantAddressReservationResponse extends MerchantAddressReservation {
  @ApiProperty({ format: 'uuid' })
  declare merchantId: string;

  @ApiProperty({ format: 'uuid' })
  declare ownerUserId: string;

  @ApiProperty({ example: `chai.point@${KIRIM_PSP_HANDLE}` })
  declare address: string;
}
