import { mapLimit, quote, stripAnsi, tail } from '../../../tools/core/process';

describe('process helpers', () => {
  it('quotes command lines, strips colours and keeps the tail', () => {
    expect(quote('terraform', ['plan', '-out=a b'])).toBe('terraform plan "-out=a b"');
    expect(stripAnsi('\u001b[31mError\u001b[0m')).toBe('Error');
    expect(tail('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('maps with a concurrency limit, keeping order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([3, 1, 2], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([30, 10, 20]);
    expect(peak).toBe(2);
  });
});
