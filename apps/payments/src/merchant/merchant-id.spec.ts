import { merchantIdFor, nameBasedUuid } from './merchant-id';

describe('merchant ids', () => {
  it('are RFC 9562 version-5 UUIDs (the RFC test vector: www.example.com in the DNS namespace)', () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('are the same for the same owner and handle (a retry names the same merchant), and differ otherwise', () => {
    const owner = '11111111-1111-4111-8111-111111111111';
    const id = merchantIdFor(owner, 'chai.point');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(merchantIdFor(owner.toUpperCase(), 'Chai.Point')).toBe(id);
    expect(merchantIdFor(owner, 'chai.corner')).not.toBe(id);
    expect(merchantIdFor('22222222-2222-4222-8222-222222222222', 'chai.point')).not.toBe(id);
  });
});
