import { BlockList, isIP } from 'node:net';

/** The longest URL a merchant may register (the column is varchar(2048)); counted on the URL as stored. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface WebhookUrlRules {
  /**
   * MERCHANT_WEBHOOK_HTTP_ALLOWED: http://, localhost and non-public addresses too, for a local stack
   * whose receivers run on this machine.
   */
  readonly httpAllowed: boolean;
}

/** The URL as it is stored and called (WHATWG-serialised: what was checked is what is called), or why it is refused. */
export type WebhookUrlCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

/**
 * Addresses a merchant's webhook must not point at: a URL that reaches into kirim's own network
 * (loopback, the cloud metadata service at 169.254.169.254, a private or unique-local range) would
 * let a merchant make notifications probe it (server-side request forgery).
 */
const NON_PUBLIC = new BlockList();
// "This host" (0.0.0.0 reaches the local machine on Linux) and loopback.
NON_PUBLIC.addSubnet('0.0.0.0', 8, 'ipv4');
NON_PUBLIC.addSubnet('127.0.0.0', 8, 'ipv4');
// Private (RFC 1918) and the carrier-grade shared space (RFC 6598), both unreachable from outside.
NON_PUBLIC.addSubnet('10.0.0.0', 8, 'ipv4');
NON_PUBLIC.addSubnet('172.16.0.0', 12, 'ipv4');
NON_PUBLIC.addSubnet('192.168.0.0', 16, 'ipv4');
NON_PUBLIC.addSubnet('100.64.0.0', 10, 'ipv4');
// Link-local, where cloud metadata services answer.
NON_PUBLIC.addSubnet('169.254.0.0', 16, 'ipv4');
// IPv6: unspecified, loopback, unique-local (fc00::/7), link-local (fe80::/10), NAT64. An IPv4-mapped
// address (::ffff:a.b.c.d) is checked against the IPv4 ranges by BlockList itself.
NON_PUBLIC.addAddress('::', 'ipv6');
NON_PUBLIC.addAddress('::1', 'ipv6');
NON_PUBLIC.addSubnet('fc00::', 7, 'ipv6');
NON_PUBLIC.addSubnet('fe80::', 10, 'ipv6');
// NAT64 (RFC 6052): 64:ff9b::a9fe:a9fe is 169.254.169.254 through a NAT64 gateway.
NON_PUBLIC.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Whether `address` (an IP literal, IPv6 without brackets) is loopback, private, link-local or
 * unique-local. Exported for whoever connects to an endpoint: a public name may still resolve to
 * such an address, which a check at registration cannot see.
 */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** localhost and every name under it resolve to this machine (RFC 6761 §6.3). */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Checks a webhook URL a merchant registers (docs/notifications.md, "Merchant webhooks"): absolute,
 * at most MAX_WEBHOOK_URL_LENGTH characters, https (http only when allowed), no user name or password
 * (an endpoint is authenticated by our signature, and credentials in a URL end up in logs), no
 * fragment (never sent, so a URL with one is not what the merchant thinks), and unless allowed a host
 * that is neither localhost nor a non-public IP literal. Each refusal says which rule.
 *
 * The host is checked as the URL parser normalises it, so `https://2130706433/`, `https://0x7f.1/` and
 * `https://[::ffff:127.0.0.1]/` are all seen as the loopback they are.
 */
export function checkWebhookUrl(raw: string, rules: WebhookUrlRules): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return refuse(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('url must be an absolute URL, such as https://shop.example/webhooks/kirim');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse('url must be an https:// URL');
  if (url.protocol === 'http:' && !rules.httpAllowed) return refuse('url must be an https:// URL: webhooks carry payment data and are sent over TLS only');
  if (url.username !== '' || url.password !== '') return refuse('url must not carry a user name or password: each delivery is authenticated by its signature');
  // The serialised URL keeps an empty fragment (`https://a.example/#`), where url.hash is ''.
  if (url.href.includes('#')) return refuse('url must not have a fragment (#...): it is never sent');
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) return refuse(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (!rules.httpAllowed) {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isLocalhostName(host)) return refuse('url must not point at localhost');
    if (isNonPublicAddress(host)) return refuse('url must not point at a loopback, private, link-local or unique-local address');
  }
  return { ok: true, url: url.href };
}

function refuse(reason: string): WebhookUrlCheck {
  return { ok: false, reason };
}

/** Where a URL goes, without its path or query (which may hold a merchant's token): what logs may show. */
export function webhookUrlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparseable';
  }
}
