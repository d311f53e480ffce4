import { validatedPropertiesOf } from '../asyncapi/payload-schemas';
import { validatePayload } from '../validation';
import { BankLegFields, BankLegRequested, BankLegResult } from './bank';

/*
 * The bank leg events take the fields that name a leg from BankLegFields (as the reconciliation
 * contract does): each is still required and checked in both events, beside the event's own.
 */

const fields = (): Record<string, unknown> => ({
  requestId: '6f1c1f0e-0b7a-4c2e-9d7f-000000000001',
  paymentId: '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  purpose: 'payment',
  bankCode: 'SBXA',
  accountRef: '11111111-2222-4333-8444-555555555555',
  amount: { value: '500.00', currency: 'INR' },
});

const events: [name: string, cls: new () => object, own: Record<string, unknown>, validated: string[]][] = [
  ['BankLegRequested', BankLegRequested, { txnId: `KRM${'0'.repeat(32)}` }, ['encryptedPin', 'refundOf', 'txnId']],
  ['BankLegResult', BankLegResult, { resultCode: '00', rrn: '000000000042' }, ['reason', 'resultCode', 'rrn']],
];

const errorsOf = (cls: new () => object, body: unknown): string[] => {
  const outcome = validatePayload(cls, body);
  return outcome.ok ? [] : outcome.errors;
};

const malformed: [field: string, value: unknown][] = [
  ['requestId', 'not-a-uuid'],
  ['paymentId', 7],
  ['purpose', 'gift'],
  ['bankCode', 'SBX'],
  ['accountRef', 'acct-1'],
  ['amount', { value: '1e3', currency: 'INR' }],
  ['amount', null],
];

describe.each(events)('%s', (_name, cls, own, ownValidated) => {
  it('accepts a valid payload and validates the leg fields and its own', () => {
    expect(errorsOf(cls, { ...fields(), ...own })).toEqual([]);
    expect(validatedPropertiesOf(cls).sort()).toEqual([...Object.keys(fields()), ...ownValidated].sort());
  });

  it.each(malformed)('refuses %s = %p, naming the field', (field, value) => {
    const errors = errorsOf(cls, { ...fields(), ...own, [field]: value });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.startsWith(field))).toBe(true);
  });

  it.each(Object.keys(fields()))('refuses a payload without %s', (field) => {
    const { [field]: _dropped, ...rest } = { ...fields(), ...own };
    const errors = errorsOf(cls, rest);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.startsWith(field))).toBe(true);
  });

  it('refuses an unknown field', () => {
    expect(errorsOf(cls, { ...fields(), ...own, direction: 'debit' })).toEqual([expect.stringMatching(/^direction: /)]);
  });
});

it('BankLegFields validates exactly the fields that name a leg', () => {
  expect(validatedPropertiesOf(BankLegFields).sort()).toEqual(Object.keys(fields()).sort());
});
