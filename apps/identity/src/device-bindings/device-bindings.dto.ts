import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DeviceBindingRevocation, DeviceBindingRevocationsPage, DeviceBindingRevocationsQuery, E164_PATTERN } from '@kirim/contracts';
import { IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class RequestDeviceBindingRequest {
  @ApiProperty({ example: '+919876543210', description: 'The E.164 number of the SIM in this device.' })
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number, e.g. +919876543210' })
  phone!: string;

  @ApiProperty({ example: 'a1b2c3d4-device', description: "The app's id for this install (1 to 128 of A-Z a-z 0-9 . _ : -)." })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'deviceId must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"' })
  deviceId!: string;

  @ApiProperty({
    description: "The device's EC P-256 public key as a JWK (kty, crv, x, y). The private key never leaves the device.",
    example: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
  })
  @IsObject()
  devicePublicKey!: Record<string, unknown>;
}

export class DeviceBindingResponse {
  @ApiProperty({ format: 'uuid' })
  bindingId!: string;

  @ApiProperty({ description: 'One-time token: send it, as the whole text of an SMS, from this phone to `smsTo`. Never shown again.' })
  bindingToken!: string;

  @ApiProperty({ example: '+919000000000', description: "The platform's virtual number." })
  smsTo!: string;

  @ApiProperty({ format: 'date-time', description: 'The token, and the whole binding, expire at this time.' })
  expiresAt!: string;
}

export class CompleteDeviceBindingRequest {
  @ApiProperty({ description: 'A device proof: compact JWS (ES256, typ kirim-device-proof+jwt) by the device key, claims aud "kirim-identity", sub = bindingId, purpose "complete-binding", iat, jti.' })
  @IsString()
  @MaxLength(4096)
  @Matches(COMPACT_JWS, { message: 'proof must be a compact JWS' })
  proof!: string;

  @ApiPropertyOptional({ example: 'Asha', minLength: 1, maxLength: 80, description: "The user's name, used when this binding creates the user." })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  displayName?: string;
}

export class RefreshSessionRequest {
  @ApiProperty({ description: 'The refresh token from the last completion or refresh.' })
  @IsString()
  @Matches(/^krt_[A-Za-z0-9_-]{43}$/, { message: 'refreshToken is not a kirim refresh token' })
  refreshToken!: string;

  @ApiProperty({ description: 'A device proof as for completion, with purpose "refresh" and claim rth = base64url(SHA-256(refreshToken)).' })
  @IsString()
  @MaxLength(4096)
  @Matches(COMPACT_JWS, { message: 'proof must be a compact JWS' })
  proof!: string;
}

export class SessionTokensResponse {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid' })
  bindingId!: string;

  @ApiProperty({ description: 'ES256 JWT for identity, payments and notifications; verify with /.well-known/jwks.json.' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 300 })
  expiresIn!: number;

  @ApiProperty({ description: 'Opaque, single use: each refresh returns the next one. Presenting a used one revokes the device.' })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the refresh token expires.', example: 2592000 })
  refreshExpiresIn!: number;

  @ApiPropertyOptional({ description: 'On completing a binding: whether it created the user (their first device).' })
  userCreated?: boolean;
}

/** The internal contract (libs/contracts DeviceBindingRevocationsPage) with its OpenAPI description. */
export class BindingRevocationResponse extends DeviceBindingRevocation {
  @ApiProperty({ format: 'uuid' })
  declare bindingId: string;

  @ApiProperty({ format: 'date-time' })
  declare revokedAt: string;
}

export class BindingRevocationsResponse extends DeviceBindingRevocationsPage {
  @ApiProperty({ type: [BindingRevocationResponse] })
  declare revocations: BindingRevocationResponse[];

  @ApiProperty({ description: 'Pass as `after` next time.' })
  declare cursor: string;

  @ApiProperty({ description: 'More revocations follow; ask again at once.' })
  declare hasMore: boolean;
}

export class BindingRevocationsQuery extends DeviceBindingRevocationsQuery {
  @ApiPropertyOptional({ description: 'The cursor of the previous page.' })
  declare after?: string;

  @ApiPropertyOptional({ description: '1 to 1000, default 500.' })
  declare limit?: string;
}
