import { stackCpuText } from './open-loop-report';

describe('stackCpuText', () => {
  it("says the stack's CPU per final payment, each program's share, and how busy the machine was", () => {
    expect(stackCpuText({ seconds: 45.2, finalPayments: 600, msPerPayment: { payments: 24.1, postgresql: 20.2 }, totalMsPerPayment: 44.3, coresBusy: 1.82 })).toBe(
      'stack CPU: 44.3 ms per final payment (payments 24.1, postgresql 20.2); 1.82 cores busy over 45.2 s (first send to last final, 600 final payments)',
    );
  });

  it('adds how busy the whole machine was, and when it was saturated says what the per-payment figure then means', () => {
    const figures = { seconds: 42, finalPayments: 2000, msPerPayment: { payments: 8.1 }, totalMsPerPayment: 33.4, coresBusy: 1.6 };
    expect(stackCpuText({ ...figures, machine: { coresBusy: 1.2, cores: 2 } })).toMatch(/; the whole machine 1\.2 of 2 cores$/);
    expect(stackCpuText({ ...figures, machine: { coresBusy: 1.85, cores: 2 } })).toMatch(/; the whole machine 1\.85 of 2 cores: saturated, so this is the machine's CPU divided by the rate, not what a payment needs/);
  });

  it('says so when it could not measure', () => {
    expect(stackCpuText(null)).toBe('stack CPU: not measured (no /proc on this machine)');
  });
});
