import * as fl from '../lib';
test('dbg', () => {
  const x = fl.tensor([-1, -0.7015790554315861], { dtype: 'float64' });
  console.log(Array.from(fl.leakyRelu(x, 0.2).dataSync()), Array.from(fl.mul(x, 0.2).dataSync()));
});
