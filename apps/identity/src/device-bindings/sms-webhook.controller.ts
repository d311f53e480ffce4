import { Controller, Headers, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { describeValidationErrors, PROBLEM_CODES, SmsReceivedWebhook } from '@kirim/contracts';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS, ProblemException } from '@kirim/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfirmBindingBySms } from './confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { SmsWebhookVerifier } from './sms-webhook-verifier';

interface RawBodyRequest {
  /** The exact bytes received (createServiceApp keeps them): the signature is over these, not over re-serialized JSON. */
  rawBody?: Buffer;
}

/**
 * The SMS provider's inbound webhook. Public (the provider calls the edge), so everything rests on
 * the Standard Webhooks signature: checked on the raw body before the body is even looked at.
 */
@ApiTags('device-bindings')
@Controller('webhooks/sms')
export class SmsWebhookController {
  constructor(
    private readonly verifier: SmsWebhookVerifier,
    private readonly confirmBySms: ConfirmBindingBySms,
  ) {}

  @Post('inbound')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: "The SMS provider's inbound webhook: an SMS received at the platform's virtual number.",
    description: 'Signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). A binding SMS confirms the binding whose token it carries if it came from that phone number.',
  })
  @ApiNoContentResponse({ description: 'The binding the SMS names is confirmed.' })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.WEBHOOK_SIGNATURE_INVALID, PROBLEM_CODES.WEBHOOK_REPLAYED, PROBLEM_CODES.BINDING_TOKEN_INVALID, PROBLEM_CODES.SMS_SENDER_MISMATCH, ...GENERIC_PROBLEMS.body)
  async inbound(@Req() request: RawBodyRequest, @Headers() headers: Record<string, string | string[] | undefined>): Promise<void> {
    const check = this.verifier.verify(request.rawBody ?? Buffer.alloc(0), headers);
    if (!check.ok) throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.WEBHOOK_SIGNATURE_INVALID, `The webhook is not authentic: ${check.reason}.`);

    const webhook = plainToInstance(SmsReceivedWebhook, check.payload ?? {});
    const errors = typeof check.payload === 'object' && check.payload !== null ? validateSync(webhook, { whitelist: true, forbidNonWhitelisted: true }) : [];
    if (typeof check.payload !== 'object' || check.payload === null || errors.length > 0) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The webhook body is not an sms.received event.', { errors: describeValidationErrors(errors) });
    }

    const result = await this.confirmBySms.execute({ webhookId: check.webhookId, sms: webhook.data });
    if (result.ok) return;
    switch (result.code) {
      case 'webhook-replayed':
        throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.WEBHOOK_REPLAYED, 'This webhook-id was already received.');
      case 'binding-token-invalid':
        throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.BINDING_TOKEN_INVALID, 'The SMS carries no pending binding token (unknown, expired or already used).');
      case 'sms-sender-mismatch':
        throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.SMS_SENDER_MISMATCH, 'The SMS was not sent from the phone number being bound.');
    }
  }
}
