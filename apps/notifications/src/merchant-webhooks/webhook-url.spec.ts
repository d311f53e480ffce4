import { checkWebhookUrl, isNonPublicAddress, MAX_WEBHOOK_URL_LENGTH, webhookUrlOrigin } from './webhook-url';

const STRICT = { httpAllowed: false };
const LOCAL = { httpAllowed: true };

describe('checkWebhookUrl', () => {
  it.each([
    ['https://shop.example/webhooks/kirim', 'https://shop.example/webhooks/kirim'],
    ['https://shop.example:8443/hooks?token=abc', 'https://shop.example:8443/hooks?token=abc'],
    ['HTTPS://Shop.Example', 'https://shop.example/'],
    ['https://bücher.example/hook', 'https://xn--bcher-kva.example/hook'],
    ['https://8.8.8.8/hook', 'https://8.8.8.8/hook'],
    ['https://[2001:db8::1]/hook', 'https://[2001:db8::1]/hook'],
    ['https://172.32.0.1/hook', 'https://172.32.0.1/hook'],
  ])('accepts %s, stored as %s', (raw, stored) => {
    expect(checkWebhookUrl(raw, STRICT)).toEqual({ ok: true, url: stored });
  });

  it.each([
    ['shop.example/hook', 'url must be an absolute URL, such as https://shop.example/webhooks/kirim'],
    ['/webhooks/kirim', 'url must be an absolute URL, such as https://shop.example/webhooks/kirim'],
    ['ftp://shop.example/hook', 'url must be an https:// URL'],
    ['javascript:alert(1)', 'url must be an https:// URL'],
    ['http://shop.example/hook', 'url must be an https:// URL: webhooks carry payment data and are sent over TLS only'],
    ['https://user:pass@shop.example/hook', 'url must not carry a user name or password: each delivery is authenticated by its signature'],
    ['https://user@shop.example/hook', 'url must not carry a user name or password: each delivery is authenticated by its signature'],
    ['https://shop.example/hook#part', 'url must not have a fragment (#...): it is never sent'],
    ['https://shop.example/hook#', 'url must not have a fragment (#...): it is never sent'],
  ])('refuses %s: %s', (raw, reason) => {
    expect(checkWebhookUrl(raw, STRICT)).toEqual({ ok: false, reason });
  });

  it('refuses a URL longer than 2048 characters, and takes one of exactly 2048', () => {
    const prefix = 'https://shop.example/';
    expect(checkWebhookUrl(`${prefix}${'a'.repeat(MAX_WEBHOOK_URL_LENGTH - prefix.length)}`, STRICT)).toMatchObject({ ok: true });
    expect(checkWebhookUrl(`${prefix}${'a'.repeat(MAX_WEBHOOK_URL_LENGTH - prefix.length + 1)}`, STRICT)).toEqual({ ok: false, reason: 'url must be at most 2048 characters' });
    // Within 2048 as typed, longer once percent-encoded as it would be stored and sent.
    expect(checkWebhookUrl(`${prefix}a${' '.repeat(1000)}b`, STRICT)).toEqual({ ok: false, reason: 'url must be at most 2048 characters' });
  });

  it.each(['https://localhost/hook', 'https://LOCALHOST:8443/hook', 'https://localhost./hook', 'https://api.localhost/hook'])('refuses %s', (raw) => {
    expect(checkWebhookUrl(raw, STRICT)).toEqual({ ok: false, reason: 'url must not point at localhost' });
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://127.10.0.1/hook',
    'https://2130706433/hook',
    'https://0x7f.1/hook',
    'https://0.0.0.0/hook',
    'https://10.1.2.3/hook',
    'https://172.16.0.1/hook',
    'https://172.31.255.255/hook',
    'https://192.168.1.10/hook',
    'https://100.64.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::]/hook',
    'https://[fd12:3456::1]/hook',
    'https://[fc00::1]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
  ])('refuses the non-public address in %s', (raw) => {
    expect(checkWebhookUrl(raw, STRICT)).toEqual({ ok: false, reason: 'url must not point at a loopback, private, link-local or unique-local address' });
  });

  it('allows http, localhost and private addresses only when the local stack allows them, and still no credentials or fragment', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3021/merchant-hooks', LOCAL)).toEqual({ ok: true, url: 'http://127.0.0.1:3021/merchant-hooks' });
    expect(checkWebhookUrl('http://localhost:9000/hook', LOCAL)).toEqual({ ok: true, url: 'http://localhost:9000/hook' });
    expect(checkWebhookUrl('https://[fd00::1]/hook', LOCAL)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://u:p@127.0.0.1/hook', LOCAL)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('http://127.0.0.1/hook#x', LOCAL)).toMatchObject({ ok: false });
    expect(checkWebhookUrl('ftp://127.0.0.1/hook', LOCAL)).toMatchObject({ ok: false });
  });
});

describe('isNonPublicAddress', () => {
  it('tells non-public IP literals from public ones and from names', () => {
    expect(['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:192.168.0.1'].map(isNonPublicAddress)).toEqual([true, true, true, true, true, true, true]);
    expect(['8.8.8.8', '172.32.0.1', '2001:db8::1', 'shop.example'].map(isNonPublicAddress)).toEqual([false, false, false, false]);
  });
});

describe('webhookUrlOrigin', () => {
  it('keeps the scheme, host and port only, never the path or query where a token may be', () => {
    expect(webhookUrlOrigin('https://shop.example:8443/hooks/abc?token=secret')).toBe('https://shop.example:8443');
  });
});
