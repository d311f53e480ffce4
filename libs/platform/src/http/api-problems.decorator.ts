import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ALL_RESULT_CODES, PROBLEM_CATALOGUE, PROBLEM_CODES, ProblemCode, problemEntry, problemTypeUri, ResultCode } from '@kirim/contracts';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

const ALL_PROBLEM_CODES = Object.keys(PROBLEM_CATALOGUE) as ProblemCode[];

/** The OpenAPI schema of every problem response (RFC 9457 plus kirim's `code` and `resultCode`). */
export class ProblemDetailsSchema {
  @ApiProperty({ format: 'uri', description: 'Identifies the problem type; one per `code`.', example: problemTypeUri(PROBLEM_CODES.VALIDATION_FAILED) })
  type!: string;

  @ApiProperty({ description: 'A short summary of the problem type; the same for every occurrence of it.', example: problemEntry(PROBLEM_CODES.VALIDATION_FAILED).title })
  title!: string;

  @ApiProperty({ description: 'The HTTP status code.', example: 400 })
  status!: number;

  @ApiProperty({ description: 'What went wrong with this request, for humans.', example: 'The request is not valid.' })
  detail!: string;

  @ApiPropertyOptional({ description: 'The request path this problem is about.', example: '/v1/payments' })
  instance?: string;

  @ApiProperty({ enum: ALL_PROBLEM_CODES, description: 'Stable machine-readable code; clients branch on this.', example: PROBLEM_CODES.VALIDATION_FAILED })
  code!: ProblemCode;

  @ApiPropertyOptional({ enum: ALL_RESULT_CODES, description: 'The UPI result code, where one exists for this condition.', example: 'Z8' })
  resultCode?: ResultCode;

  @ApiPropertyOptional({ type: [String], description: 'Each invalid field as `field: message`.', example: ['amount.value: must be a decimal string'] })
  errors?: string[];
}

/** Problems that any operation may answer, by what it takes; add them with the operation's own codes. */
export const GENERIC_PROBLEMS = {
  /** Every operation: a repeated query parameter or a control character in a parameter is a 400. */
  input: [PROBLEM_CODES.VALIDATION_FAILED],
  /** An operation with a JSON body: too large, not UTF-8 or compressed. */
  body: [PROBLEM_CODES.VALIDATION_FAILED, PROBLEM_CODES.PAYLOAD_TOO_LARGE, PROBLEM_CODES.UNSUPPORTED_MEDIA_TYPE],
  /** An operation behind a bearer token (JwtAuthGuard); 503 when the key set cannot be fetched. */
  bearer: [PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE],
  /** An internal operation (ServiceAuthGuard): no or a bad service token 401, a user token or an undeclared caller 403. */
  serviceToken: [PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.FORBIDDEN, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE],
} as const satisfies Record<string, readonly ProblemCode[]>;

/** The response's one-line description: each code with its catalogue title. */
function describeCodes(codes: readonly ProblemCode[]): string {
  return codes.map((code) => `\`${code}\`: ${problemEntry(code).description}`).join(' ');
}

/**
 * Documents the application/problem+json responses of an operation from the problem catalogue:
 * `@ApiProblems(PROBLEM_CODES.PAYEE_NOT_FOUND, ...GENERIC_PROBLEMS.bearer)`. Each code is listed
 * under every status the catalogue gives it, and codes sharing a status share one response whose
 * `code` is narrowed to them. Use it once per operation, with all its codes (a second use on the
 * same operation replaces responses of the same status).
 */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    for (const status of problemEntry(code).statuses) {
      const listed = byStatus.get(status) ?? [];
      listed.push(code);
      byStatus.set(status, listed);
    }
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, statusCodes]) =>
      ApiResponse({
        status,
        description: describeCodes(statusCodes),
        // A 503 carries Retry-After when the service knows when to retry (payments-overloaded always does).
        ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } } } : {}),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: {
              allOf: [{ $ref: getSchemaPath(ProblemDetailsSchema) }, { type: 'object', properties: { code: { type: 'string', enum: statusCodes } } }],
            },
          },
        },
      }),
    );
  return applyDecorators(ApiExtraModels(ProblemDetailsSchema), ...responses);
}

/** Marks an operation as public in the OpenAPI document (`security: []`); createServiceApp applies it. */
export const PUBLIC_OPERATION_EXTENSION = 'x-kirim-public';

/**
 * An operation that needs no credentials (key sets, the SMS provider's signed webhook). OpenAPI's
 * way to say so is an explicit empty `security`; Nest's swagger module drops empty arrays, so the
 * operation is marked and createServiceApp writes `security: []` into the document.
 */
export function ApiPublic(): MethodDecorator & ClassDecorator {
  return ApiExtension(PUBLIC_OPERATION_EXTENSION, true);
}
