import { createParamDecorator, ExecutionContext, HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '../http/problem-details';
import type { AuthenticatedUser } from './jwt.constants';

/** The user `JwtAuthGuard` authenticated; using it on an unguarded route is a bug and answers 401. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
  if (!user) throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'Authentication is required.');
  return user;
});
