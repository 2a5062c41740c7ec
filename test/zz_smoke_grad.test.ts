import * as fl from '../lib';
import { gradcheck } from '../lib/gradcheck';
test('smoke', () => {
  fl.scope(() => {
    const x = fl.tensor([[1.5, -0.3, 2], [0.7, 0, 3]], { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((a) => a.sum(1), [x])).toBe(true);
    expect(gradcheck((a) => a.prod(1), [x])).toBe(true);
    expect(gradcheck((a) => a.prod(), [x])).toBe(true);
    expect(gradcheck((a) => a.cumprod(1), [x])).toBe(true);
    expect(gradcheck((a) => a.softmax(0), [x])).toBe(true);
    expect(gradcheck((a) => fl.sort(a, 1).values, [x])).toBe(true);
    expect(gradcheck((a) => a.gather(1, fl.tensor([[0, 0], [2, 1]])), [x])).toBe(true);
    expect(() => gradcheck((a) => a.mul(a.detach()), [x])).toThrow(/Jacobian mismatch/);
  });
});
