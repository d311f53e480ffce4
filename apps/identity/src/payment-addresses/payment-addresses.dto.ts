import { ApiProperty } from '@nestjs/swagger';
import { KIRIM_PSP_HANDLE, PAYMENT_HANDLE_MAX_LENGTH } from '@kirim/contracts';
import { IsString, Length } from 'class-validator';
import { formatPaymentAddress, PaymentAddress } from './payment-address';

export class AddPaymentAddressRequest {
  @ApiProperty({
    example: 'asha.k',
    description: `The handle, with or without "@${KIRIM_PSP_HANDLE}"; read in lowercase. 3 to ${PAYMENT_HANDLE_MAX_LENGTH} characters of a-z, 0-9, ".", "-", "_" (docs/payment-addresses.md).`,
    maxLength: PAYMENT_HANDLE_MAX_LENGTH + KIRIM_PSP_HANDLE.length + 1,
  })
  @IsString()
  // The exact rules are the use case's, each refusal with its own code; this only bounds the input.
  @Length(1, PAYMENT_HANDLE_MAX_LENGTH + KIRIM_PSP_HANDLE.length + 1)
  handle!: string;
}

export class PaymentAddressResponse {
  @ApiProperty({ format: 'uuid' })
  addressId!: string;

  @ApiProperty({ example: `asha.k@${KIRIM_PSP_HANDLE}` })
  address!: string;

  @ApiProperty({ description: 'The address payers see when they find the user by phone number.' })
  isPrimary!: boolean;

  @ApiProperty({ description: 'Made from the phone number when the user was created.' })
  isDefault!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toPaymentAddressResponse(address: PaymentAddress): PaymentAddressResponse {
  return {
    addressId: address.id,
    address: formatPaymentAddress(address.handle),
    isPrimary: address.isPrimary,
    isDefault: address.isDefault,
    createdAt: address.createdAt.toISOString(),
  };
}
