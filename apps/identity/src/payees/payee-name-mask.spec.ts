import { maskHolderName } from './payee-name-mask';

describe('maskHolderName', () => {
  it.each([
    ['Asha Kumari Rao', 'Asha K***** R**'],
    ['ASHA KUMARI', 'ASHA K*****'],
    ['Asha', 'Asha'],
    ['  Ravi   Shankar  ', 'Ravi S******'],
    ['Ravi S', 'Ravi S'],
    ["D'Souza Maria", "D'Souza M****"],
    ['आशा कुमारी', 'आशा क*****'],
  ])('shows %j as %j', (name, masked) => {
    expect(maskHolderName(name)).toBe(masked);
  });

  it('never shows more than the first word of a name in full', () => {
    const masked = maskHolderName('Asha Kumari Rao');
    expect(masked).not.toContain('Kumari');
    expect(masked).not.toContain('Rao');
  });
});
