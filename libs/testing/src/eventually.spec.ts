import { eventually } from './eventually';
import { uniquePhone } from './phone';

describe('eventually', () => {
  it('resolves as soon as the assertion passes', async () => {
    let calls = 0;
    await eventually(() => {
      calls += 1;
      expect(calls).toBeGreaterThanOrEqual(3);
    }, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('awaits async assertions', async () => {
    let calls = 0;
    await eventually(async () => {
      calls += 1;
      await Promise.resolve();
      if (calls < 2) throw new Error('not yet');
    }, { intervalMs: 1 });
    expect(calls).toBe(2);
  });

  it('rethrows the last error at the deadline', async () => {
    let calls = 0;
    await expect(
      eventually(() => {
        calls += 1;
        throw new Error(`attempt ${calls}`);
      }, { timeoutMs: 50, intervalMs: 5 }),
    ).rejects.toThrow(/^attempt \d+$/);
    expect(calls).toBeGreaterThan(1);
  });

  it('rethrows exactly the final attempt\'s error', async () => {
    let calls = 0;
    const error = await eventually(() => {
      calls += 1;
      throw new Error(`attempt ${calls}`);
    }, { timeoutMs: 30, intervalMs: 5 }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toBe(`attempt ${calls}`);
  });
});

describe('uniquePhone', () => {
  it('returns an E.164 Indian mobile starting with 9', () => {
    for (let i = 0; i < 100; i++) expect(uniquePhone()).toMatch(/^\+919\d{9}$/);
  });
});
