import { Controller, Get, Header, HttpStatus, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { GetSmsNumber } from './get-sms-number/get-sms-number.use-case';
import { SmsNumberResponse } from './sms-numbers.dto';

/**
 * Internal (libs/contracts INTERNAL_OPERATIONS.GET_SMS_NUMBER): notifications asks for a user's phone
 * number with its own service token when it sends a receipt by SMS to a user without the app; no
 * other service and no user can ask it. The number is personal data: answered, never logged.
 */
@ApiTags('sms-numbers')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class SmsNumbersController {
  constructor(private readonly getSmsNumber: GetSmsNumber) {}

  @Get(INTERNAL_OPERATIONS.GET_SMS_NUMBER.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.GET_SMS_NUMBER)
  // Personal data: no cache between the services may keep it.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A user's phone number (E.164), to send them a receipt by SMS." })
  @ApiOkResponse({ type: SmsNumberResponse })
  @ApiProblems(PROBLEM_CODES.USER_NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.serviceToken)
  async smsNumber(
    @Param('userId', new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'userId must be a UUID.') }))
    userId: string,
  ): Promise<SmsNumberResponse> {
    const result = await this.getSmsNumber.execute({ userId });
    if (!result.ok) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.USER_NOT_FOUND, 'No user has this id.');
    return { phone: result.phone };
  }
}
