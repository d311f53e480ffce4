import { alertCount, raiseAlert, serviceMetrics } from './alerts';

describe('raiseAlert', () => {
  it('logs at error level with the alert name and context, and counts it under its name', async () => {
    const logged: Array<[object, string]> = [];
    const logger = { error: (context: object, message: string) => logged.push([context, message]) };
    const before = await alertCount('payment-stuck');
    raiseAlert(logger, 'payment-stuck', { paymentId: 'p-1', status: 'reversal_failed' }, 'a payment cannot end by itself');
    raiseAlert(logger, 'payment-stuck', { paymentId: 'p-2' }, 'a payment cannot end by itself');
    expect(await alertCount('payment-stuck')).toBe(before + 2);
    expect(await alertCount('outbox-record-quarantined')).toBe(0);
    expect(logged[0]).toEqual([{ alert: 'payment-stuck', paymentId: 'p-1', status: 'reversal_failed' }, 'a payment cannot end by itself']);
    expect(await serviceMetrics.metrics()).toMatch(/^kirim_alerts_total\{alert="payment-stuck"\} \d+$/m);
  });

  it('refuses a name that is not kebab-case, so labels stay a small fixed set', () => {
    const logger = { error: jest.fn() };
    expect(() => raiseAlert(logger, 'Payment Stuck', {}, 'x')).toThrow(/kebab-case/);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
