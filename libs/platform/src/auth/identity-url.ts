import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Where a service fetches identity's keys and revocations from. Outside local development these
 * must be https: a JWKS fetched over plain http lets anyone on the path substitute their own key
 * and mint tokens. http is allowed only when NODE_ENV is not production, or when the operator says
 * explicitly that the network is a local one (IDENTITY_HTTP_ALLOWED=true, e.g. a compose network
 * on one machine). Checked at boot, with the variable's name in the message.
 */
export function IsIdentityUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIdentityUrl',
      validator: {
        validate: (value: unknown, args) => {
          const protocol = protocolOf(value);
          if (protocol === 'https') return true;
          if (protocol !== 'http') return false;
          const config = (args?.object ?? {}) as { NODE_ENV?: unknown; IDENTITY_HTTP_ALLOWED?: unknown };
          return config.NODE_ENV !== 'production' || config.IDENTITY_HTTP_ALLOWED === true;
        },
        defaultMessage: (args) =>
          protocolOf(args?.value) === 'http'
            ? '$property must be an https:// URL in production (http:// only with IDENTITY_HTTP_ALLOWED=true, for a local network)'
            : '$property must be a http:// or https:// URL',
      },
    },
    options,
  );
}

function protocolOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value).protocol.replace(/:$/, '');
  } catch {
    return null;
  }
}
