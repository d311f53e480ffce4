import { stackCpuText } from './open-loop-report';

describe('stackCpuText', () => {
  it("says the stack's CPU per final payment, each program's share, and how busy the machine was", () => {
    expect(stackCpuText({ seconds: 45.2, finalPayments: 600, msPerPayment: { payments: 24.1, postgresql: 20.2 }, totalMsPerPayment: 44.3, coresBusy: 1.82 })).toBe(
      'stack CPU: 44.3 ms per final payment (payments 24.1, postgresql 20.2); 1.82 cores busy over 45.2 s (first send to last final, 600 final payments)',
    );
  });

  it('says so when it could not measure', () => {
    expect(stackCpuText(null)).toBe('stack CPU: not measured (no /proc on this machine)');
  });
});
