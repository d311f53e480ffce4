import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { BindingRevocationsQuery, BindingRevocationsResponse } from './device-bindings.dto';
import { ListBindingRevocations } from './list-binding-revocations/list-binding-revocations.use-case';

const DEFAULT_PAGE_SIZE = 500;

/**
 * Internal (libs/contracts INTERNAL_OPERATIONS.LIST_DEVICE_BINDING_REVOCATIONS): every service with
 * user endpoints polls it with its own service token to honour revocations within the stated bound
 * (docs/device-binding.md). It lists binding ids and times only.
 */
@ApiTags('device-bindings')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class BindingRevocationsController {
  constructor(private readonly listRevocations: ListBindingRevocations) {}

  @Get(INTERNAL_OPERATIONS.LIST_DEVICE_BINDING_REVOCATIONS.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.LIST_DEVICE_BINDING_REVOCATIONS)
  @ApiOperation({ summary: 'Device bindings revoked after a cursor (services poll it to honour revocation).' })
  @ApiOkResponse({ type: BindingRevocationsResponse })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.serviceToken)
  async revocations(@Query() query: BindingRevocationsQuery): Promise<BindingRevocationsResponse> {
    const page = await this.listRevocations.execute({ after: query.after ?? null, limit: query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit) });
    return {
      revocations: page.revocations.map((entry) => ({ bindingId: entry.bindingId, revokedAt: entry.revokedAt.toISOString() })),
      cursor: page.cursor,
      hasMore: page.hasMore,
    };
  }
}
