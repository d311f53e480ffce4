import { ApiProperty } from '@nestjs/swagger';

export class PinKeyDto {
  @ApiProperty({ enum: ['OKP', 'EC'] }) kty!: string;
  @ApiProperty({ enum: ['X25519', 'P-256'] }) crv!: string;
  @ApiProperty() x!: string;
  @ApiProperty({ required: false, description: 'P-256 keys only' }) y?: string;
  @ApiProperty({ example: 'SBXA-pin-20261130T101500' }) kid!: string;
  @ApiProperty({ enum: ['ECDH-ES'] }) alg!: string;
  @ApiProperty({ enum: ['enc'] }) use!: string;
}

export class BankDto {
  @ApiProperty({ example: 'SBXA' }) bankCode!: string;
  @ApiProperty({ example: 'Sandbox Bank A' }) name!: string;
  @ApiProperty({ type: PinKeyDto, nullable: true, description: "The public key (JWK) to encrypt this bank's UPI PIN blocks for; null if the bank has none" })
  pinKey!: PinKeyDto | null;
}
