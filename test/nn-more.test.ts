// nn-more.test.ts — the nn modules and functionals of lib/nn/unpool.ts and lib/nn/more.ts:
// F.maxUnpool1d/2d/3d and nn.MaxUnpool1d/2d/3d, F.fractionalMaxPool2d/3d and nn.FractionalMaxPool2d/3d,
// nn.UpsamplingNearest2d / nn.UpsamplingBilinear2d, nn.CrossMapLRN2d, nn.AdaptiveLogSoftmaxWithLoss, the lazy
// modules (nn.LazyLinear, …) and nn.SyncBatchNorm. References: PyTorch 1.13
// golden values (the torch call beside each, inputs built the same way here: sin/cos of a ramp, so
// every value is distinct), finite differences in float64 (fl.gradcheck), and float64 naive code
// (the max over each fractional window at the returned index). Tolerance: 1e-9 absolute for float64
// goldens (printed to 12 digits), 1e-6 for float32 ones.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';
import { registerEngine } from '../lib/distributed/group';
import type { Engine, EngineInit } from '../lib/distributed/engine';

const nn = fl.nn;
const F = fl.nn.functional;
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
function near(got: number[], want: number[], tol = 1e-9): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => { if (!(Math.abs(g - want[i]) <= tol)) throw new Error(`[${i}]: expected ${want[i]}, got ${g}`); });
}
/** sin(ramp·f) or cos(ramp·f) of `shape` in float64 on DEVICE: the inputs of the torch calls below. */
function ramp(shape: number[], f: number, fn: 'sin' | 'cos', dtype: fl.DType = 'float64'): fl.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => (fn === 'sin' ? Math.sin(i * f) : Math.cos(i * f)));
  return fl.tensor(v, { dtype: 'float64', device: DEVICE }).reshape(shape).to(dtype);
}
const t64 = (v: number[] | number[][][], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v as number[], { dtype, device: DEVICE });

// ---- golden values: torch 1.13, the calls printed above each use ------------------------------------
const G_UNPOOL2D = [0.0, 0.991664810452, -0.255541102027, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.999792900143, 0.0, 0.0, 0.359058354022, 0.879273061651, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.985600298791, 0.04069325735, 0.0, 0.0, 0.940428962947, 0.0, 0.0, 0.0, 0.0];
const G_UNPOOL2D_OS = [0.0, 0.991664810452, -0.255541102027, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.999792900143, 0.0, 0.0, 0.359058354022, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.879273061651, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.985600298791, 0.04069325735, 0.0, 0.0, 0.940428962947, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
const G_UNPOOL1D = [1.0, 0.621609968271, 0.0, 0.0, 0.0, -0.210795799431, 0.0, 0.999858636383, 0.0, -0.243544153736, 0.0, 0.0];
const G_UNPOOL3D = [1.0, 0.0, 0.0, 0.0, 0.0, 0.976587625728, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.796352470292, 0.795814969814, 0.0, 0.0, 0.0, 0.907819597756, 0.0, 0.0, 0.0, 0.0, 0.976778300832, 0.0, 0.0, 0.0, 0.0, 0.999999605589, 0.0, 0.0, 0.0, 0.0, 0.976396180269, 0.0, 0.0, 0.0, 0.64827284414, 0.90707324933, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.908191697954, 0.0, 0.0, 0.0, 0.0, 0.976968205432];
const G_FRAC2D = [0.991664810452, 0.991664810452, -0.255541102027, 0.859161814856, 0.798487112623, -0.148999025814, 0.999792900143, 0.396740573131, 0.359058354022, 0.879273061651, -0.2946716015, 0.985600298791, 0.52908268612, 0.215987266188, 0.985600298791, 0.04069325735, 0.670229175843, 0.940428962947];
const G_FRAC2D_IDX = [1, 1, 2, 8, 5, 11, 12, 9, 15, 0, 6, 7, 4, 10, 7, 8, 14, 11];
const G_FRAC2D_F32_SHAPE = [1, 2, 3, 4];
const G_FRAC2D_F32 = [0.999525845051, 0.999525845051, 0.061553794891, 0.920923948288, 0.961834430695, 0.303118735552, 0.798062860966, 0.992410898209, 0.526377618313, 0.627005040646, 1.0, 1.0, 0.881082832813, 0.96982640028, 0.96982640028, 0.273546129465, 0.999520123005, 0.988140583038, 0.499870091677, 0.650764107704, 0.999520123005, 0.696005761623, 0.44593578577, 0.976892948151];
const G_FRAC2D_F32_IDX = [2, 2, 4, 26, 18, 20, 42, 43, 36, 58, 51, 51, 20, 4, 4, 6, 37, 29, 22, 44, 37, 38, 60, 53];
const G_FRAC3D = [1.0, 0.976396180269, 0.90744678145, 0.908191697954, 0.795814969814, 0.976968205432, 0.646919322329, 0.999999605589, 0.26664293236, 0.976396180269, -0.1594846391, 0.908191697954, 0.056615815443, 0.976968205432, 0.270065248664, 0.999998422355, 0.97581722328, 0.051294642631, 0.909303698961, 0.058389189896, 0.977533294706, 0.271775131314, 0.999993689425, 0.472435270547, 0.975622697919, 0.90519486184, 0.905571968603, 0.910041447057, 0.793118059568, 0.977906165634, 0.46380216301, 0.999985801225, 0.048633500539, 0.90519486184, -0.155099136557, 0.910041447057, 0.061048904388, 0.977906165634, 0.474781963028, 0.999980673906, 0.904059258516, -0.153344074276, 0.911142684516, 0.062821807764, 0.978459686203, 0.276046074451, 0.99996805285, 0.654338317862];
const G_FRAC3D_IDX = [0, 34, 10, 48, 15, 53, 20, 29, 30, 34, 76, 48, 81, 53, 86, 58, 121, 93, 135, 139, 140, 144, 116, 149, 0, 34, 5, 43, 10, 48, 20, 24, 30, 34, 71, 43, 76, 48, 86, 53, 121, 129, 130, 134, 135, 139, 111, 149];
const G_CMLRN = [0.0, 0.352363714283, 0.656491876812, 0.87231757971, 0.97111540409, 0.93588877561, 0.770331211483, 0.502608676132, 0.172256661178, -0.178109276921, -0.502837160672, -0.759882598441, -0.937773628168, -0.967404937496, -0.857155474872, -0.632397348024, -0.339570293827, 0.00647530517, 0.348070218944, 0.642103463815, 0.878281598439, 0.96936739411, 0.924673079377, 0.756906673917, 0.506667338731, 0.169824107759, -0.189149540333, -0.521605949126, -0.778463088611, -0.939613501643, -0.969760237479, -0.863390399203, -0.635378560714, -0.333202312394, 0.012978590502, 0.355479263874, 0.655040627302, 0.874960205993, 0.971398433894, 0.925588042312, 0.757204744546, 0.490942557979, 0.159297251124, -0.190152672397, -0.525869067216, -0.790126856881, -0.943222096337, -0.962356383528];
const G_CMLRN4 = [0.0, 0.22961102061, 0.427628478838, 0.56829067422, 0.633021381179, 0.609618438977, 0.500261375373, 0.325217353479, 0.111197454075, -0.114829801336, -0.323913879575, -0.4894996653, -0.610869372529, -0.629689041813, -0.554916270574, -0.406645613132, -0.219402533061, 0.004173345076, 0.223913832719, 0.412938449377, 0.573084600937, 0.631191217714, 0.599602994371, 0.48890310635, 0.330669460658, 0.110777371834, -0.123293854334, -0.3398070002, -0.505610339876, -0.612090591879, -0.632120128264, -0.561607858474, -0.410678473401, -0.21521338519, 0.008372388729, 0.229060790623, 0.423499462171, 0.569076763987, 0.632958131814, 0.600997457686, 0.490291573055, 0.317532968886, 0.102788712159, -0.122414394908, -0.342192043168, -0.515488206802, -0.615004712737, -0.62533201239];
const G_LRN = [0.0, 0.352363714283, 0.656491876812, 0.87231757971, 0.97111540409, 0.93588877561, 0.770331211483, 0.502608676132, 0.172256661178, -0.178655731404, -0.50823450944, -0.774414748856, -0.937773628168, -0.970461367312, -0.866502861342, -0.644420050287, -0.339570293827, 0.006495150925, 0.351789875008, 0.654315757091, 0.878281598439, 0.972433245639, 0.934807685886, 0.771509164254, 0.506667338731, 0.169824107759, -0.189149540333, -0.521605949126, -0.778463088611, -0.939613501643, -0.969760237479, -0.863390399203, -0.639429728451, -0.33343941644, 0.012990041255, 0.357878049806, 0.659220633634, 0.875596161826, 0.972282030061, 0.931984616721, 0.762059461566, 0.491293408072, 0.159437913997, -0.19143195536, -0.529291619198, -0.790706364969, -0.944081717489, -0.969021848916];
const G_UPN = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0];
const G_UPB = [0.0, 0.666666666667, 1.333333333333, 2.0, 1.5, 2.166666666667, 2.833333333333, 3.5, 3.0, 3.666666666667, 4.333333333333, 5.0];

describe('maxUnpool (torch 1.13 golden values)', () => {
  test('maxUnpool2d of maxPool2d(x, 2): F and nn, the default size and outputSize [5, 5]', () => fl.scope(() => {
    const x = ramp([1, 2, 4, 4], 1.7, 'sin');
    const [y, i] = F.maxPool2d(x, 2, { returnIndices: true });
    // y, i = F.max_pool2d(x, 2, return_indices=True); F.max_unpool2d(y, i, 2)
    const u = F.maxUnpool2d(y, i, 2);
    expect(u.shape).toEqual([1, 2, 4, 4]);
    near(vals(u), G_UNPOOL2D);
    // F.max_unpool2d(y, i, 2, output_size=[5, 5])
    near(vals(F.maxUnpool2d(y, i, 2, { outputSize: [5, 5] })), G_UNPOOL2D_OS);
    near(vals(F.maxUnpool2d(y, i, 2, null, 0, [1, 2, 5, 5])), G_UNPOOL2D_OS);  // [N, C, H, W] as torch
    const m = new nn.MaxUnpool2d(2);
    near(vals(m.forward(y, i)), G_UNPOOL2D);
    near(vals(m.forward(y, i, [5, 5])), G_UNPOOL2D_OS);
    near(vals(m.forward(y, i, { outputSize: [5, 5] })), G_UNPOOL2D_OS);
    // unbatched [C, H, W]
    near(vals(F.maxUnpool2d(y.squeeze(0), i.squeeze(0), 2)), G_UNPOOL2D);
  }));
  test('maxUnpool1d (kernel 3, stride 2, padding 1, outputSize [6]) and maxUnpool3d (kernel 2, stride 1)', () => fl.scope(() => {
    const x1 = ramp([1, 2, 6], 0.9, 'cos');
    const [y1, i1] = F.maxPool1d(x1, 3, { stride: 2, padding: 1, returnIndices: true });
    // y1, i1 = F.max_pool1d(x1, 3, 2, 1, return_indices=True); F.max_unpool1d(y1, i1, 3, 2, 1, output_size=[6])
    near(vals(F.maxUnpool1d(y1, i1, 3, 2, 1, [6])), G_UNPOOL1D);
    near(vals(new nn.MaxUnpool1d(3, 2, 1).forward(y1, i1, [6])), G_UNPOOL1D);
    // the default size (5) is too short for index 5: torch's refusal
    expect(() => F.maxUnpool1d(y1, i1, 3, 2, 1)).toThrow(new fl.IndexError('maxUnpool1d: found an invalid max index: 5 (output volumes are of size 5) for input [1, 2, 3]'));
    const x3 = ramp([1, 2, 3, 3, 3], 1.3, 'cos');
    const [y3, i3] = F.maxPool3d(x3, 2, { stride: 1, returnIndices: true });
    // y3, i3 = F.max_pool3d(x3, 2, 1, return_indices=True); F.max_unpool3d(y3, i3, 2, 1)
    near(vals(F.maxUnpool3d(y3, i3, 2, 1)), G_UNPOOL3D);
    near(vals(new nn.MaxUnpool3d(2, { stride: 1 }).forward(y3, i3)), G_UNPOOL3D);
  }));
  test('the gradient: finite differences through pool and unpool, and of the unpool alone (the gather at the indices)', () => fl.scope(() => {
    const x = ramp([2, 2, 4, 6], 0.61, 'sin').requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => { const [y, i] = F.maxPool2d(a, 2, { returnIndices: true }); return F.maxUnpool2d(y, i, 2, { outputSize: [5, 7] }); }, [x])).toBe(true);
    const idx = fl.tensor([[[0, 3, 5]]], { dtype: 'int32', device: DEVICE });
    const v = ramp([1, 1, 3], 0.3, 'cos').requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => F.maxUnpool1d(a, idx, 2), [v])).toBe(true);
    // d/dv of sum(unpool(v) · w) is w at the indices
    const w = ramp([1, 1, 6], 0.5, 'sin');
    F.maxUnpool1d(v, idx, 2).mul(w).sum().backward();
    near(vals(v.grad!), [0, 3, 5].map((k) => Math.sin(k * 0.5)));
    const x3 = ramp([1, 1, 4, 4, 4], 0.37, 'cos').requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => { const [y, i] = F.maxPool3d(a, 2, { returnIndices: true }); return F.maxUnpool3d(y, i, 2); }, [x3])).toBe(true);
  }));
  test('empty batches, float32 and the dtype of the values kept', () => fl.scope(() => {
    const x = fl.zeros([0, 2, 2, 2], { device: DEVICE });
    const i = fl.zeros([0, 2, 2, 2], { dtype: 'int32', device: DEVICE });
    expect(F.maxUnpool2d(x, i, 2).shape).toEqual([0, 2, 4, 4]);
    const x32 = ramp([1, 2, 4, 4], 1.7, 'sin', 'float32');
    const [y, ix] = F.maxPool2d(x32, 2, { returnIndices: true });
    const u = F.maxUnpool2d(y, ix, 2);
    expect(u.dtype).toBe('float32');
    near(vals(u), G_UNPOOL2D, 1e-6);
  }));
  test('refusals: torch\'s checks, typed errors naming the op and the shapes', () => fl.scope(() => {
    const x = ramp([1, 1, 2, 2], 1, 'sin');
    const i = fl.tensor([[[[0, 3], [9, 15]]]], { dtype: 'int32', device: DEVICE });
    expect(F.maxUnpool2d(x, i, 2).shape).toEqual([1, 1, 4, 4]);
    expect(() => F.maxUnpool2d(x, i.add(1), 2)).toThrow(new fl.IndexError('maxUnpool2d: found an invalid max index: 16 (output volumes are of size 4x4) for input [1, 1, 2, 2]'));
    expect(() => F.maxUnpool2d(x, i.sub(1), 2)).toThrow(/maxUnpool2d: found an invalid max index: -1/);
    expect(() => F.maxUnpool2d(x, i.to('float32'), 2)).toThrow(fl.DTypeError);
    expect(() => F.maxUnpool2d(x, i.narrow(3, 0, 1), 2)).toThrow(new fl.ShapeError('maxUnpool2d: indices of shape [1, 1, 2, 1] must have the input\'s shape [1, 1, 2, 2]'));
    expect(() => F.maxUnpool2d(x.reshape([2, 2]), i.reshape([2, 2]), 2)).toThrow(new fl.ShapeError('maxUnpool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape [2, 2]'));
    // torch: invalid output_size "[6, 5]" (dim 0 must be between 2 and 6)
    expect(() => F.maxUnpool2d(x, i, 2, { outputSize: [6, 5] })).toThrow(new fl.ValueError('maxUnpool2d: invalid outputSize [6, 5] (dim 0 must be between 2 and 6)'));
    expect(() => F.maxUnpool2d(x, i, 2, { outputSize: [4] })).toThrow(/maxUnpool2d: outputSize should be a sequence containing 2 or 4 elements/);
    expect(() => F.maxUnpool2d(x, i, 0)).toThrow(/maxUnpool2d: kernelSize must be an integer >= 1/);
    expect(() => new nn.MaxUnpool2d(2, { strid: 1 } as never)).toThrow(/MaxUnpool2d: unknown option 'strid' \(did you mean 'stride'\?\)/);
    expect(() => (F.maxUnpool2d as any)(x, 'i', 2)).toThrow(/maxUnpool2d: indices must be a Tensor, got 'i'/);
  }));
  test('repr as torch\'s', () => {
    // torch: MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,)), MaxUnpool3d(kernel_size=(2, 2, 2), stride=(1, 1, 1), padding=(0, 0, 0))
    expect(String(new nn.MaxUnpool1d(2))).toBe('MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))');
    expect(String(new nn.MaxUnpool3d(2, 1))).toBe('MaxUnpool3d(kernel_size=(2, 2, 2), stride=(1, 1, 1), padding=(0, 0, 0))');
  });
});

describe('fractionalMaxPool (torch 1.13 golden values with the same samples)', () => {
  test('2-D: outputSize, given samples (float64), values and indices; the module; unbatched', () => fl.scope(() => {
    const x = ramp([1, 2, 4, 4], 1.7, 'sin');
    const s = t64([[[0.3, 0.7], [0.9, 0.1]]]);
    // F.fractional_max_pool2d(x, 2, output_size=[3, 3], return_indices=True, _random_samples=s)
    const [v, i] = F.fractionalMaxPool2d(x, 2, { outputSize: [3, 3], returnIndices: true, randomSamples: s });
    near(vals(v), G_FRAC2D);
    expect(ints(i)).toEqual(G_FRAC2D_IDX);
    const m = new nn.FractionalMaxPool2d(2, { outputSize: 3, returnIndices: true, randomSamples: s });
    const [mv, mi] = m.forward(x);
    near(vals(mv), G_FRAC2D); expect(ints(mi)).toEqual(G_FRAC2D_IDX);
    expect(String(m)).toBe('FractionalMaxPool2d()');
    // unbatched [C, H, W]: samples [1, C, 2]
    near(vals(F.fractionalMaxPool2d(x.squeeze(0), 2, 3, null, false, s) as fl.Tensor), G_FRAC2D);
  }));
  test('2-D, 9×11 to [4, 3]: the samples move the windows (sample 0 the width\'s, sample 1 the height\'s)', () => fl.scope(() => {
    const x = ramp([1, 2, 9, 11], 0.71, 'sin');
    const s = t64([[[0.15, 0.85], [0.62, 0.33]]]);
    // F.fractional_max_pool2d(x, 2, output_size=[4, 3], return_indices=True, _random_samples=s)
    const [v, i] = F.fractionalMaxPool2d(x, 2, [4, 3], null, true, s);
    near(vals(v), [0.999032963836, -0.397148167286, 0.998026652716, 0.509043750935, 0.962027046259, 0.597907592628, 0.97591748527, 0.754254230828, 0.993611745966, 0.350539345427, 0.994950520814, 0.448388497159, 0.951054653254, 0.627696805444, 0.958523644809, 0.990460229423, 0.119088959324, 0.970124358672, 0.577565124128, 0.96858570992, 0.4872415441, 0.999289899767, 0.291025726924, 0.997611686074]);
    expect(ints(i)).toEqual([11, 5, 20, 45, 38, 54, 55, 72, 64, 89, 82, 98, 1, 17, 9, 45, 38, 54, 55, 71, 64, 89, 82, 98]);
    // the same call with s.flip(-1): other windows
    const [, j] = F.fractionalMaxPool2d(x, 2, [4, 3], null, true, s.flip(-1));
    expect(ints(j)).toEqual([11, 5, 20, 22, 38, 31, 55, 72, 64, 89, 82, 98, 1, 16, 9, 34, 27, 43, 55, 71, 64, 89, 81, 98]);
  }));
  test('2-D float32: outputRatio 0.5 on 7×9 with kernel 3 (torch\'s float32 interval arithmetic)', () => fl.scope(() => {
    const x = ramp([1, 2, 7, 9], 0.77, 'sin', 'float32');
    const s = t64([[[0.123, 0.987], [0.5, 0.25]]], 'float32');
    // F.fractional_max_pool2d(x, 3, output_ratio=0.5, return_indices=True, _random_samples=s)
    const [v, i] = F.fractionalMaxPool2d(x, 3, { outputRatio: 0.5, returnIndices: true, randomSamples: s });
    expect(v.shape).toEqual(G_FRAC2D_F32_SHAPE);
    expect(v.dtype).toBe('float32');
    near(vals(v), G_FRAC2D_F32, 2e-5);  // torch's ramp is computed in float32 (i·0.77 rounded), ours in float64 then rounded
    expect(ints(i)).toEqual(G_FRAC2D_F32_IDX);
  }));
  test('3-D: outputSize [3, 4, 2] with samples for time, height and width', () => fl.scope(() => {
    const x = ramp([1, 2, 5, 6, 5], 1.3, 'cos');
    const s = t64([[[0.3, 0.7, 0.2], [0.9, 0.1, 0.5]]]);
    // F.fractional_max_pool3d(v5, 2, output_size=[3, 4, 2], return_indices=True, _random_samples=s3)
    const [v, i] = F.fractionalMaxPool3d(x, 2, { outputSize: [3, 4, 2], returnIndices: true, randomSamples: s });
    near(vals(v), G_FRAC3D);
    expect(ints(i)).toEqual(G_FRAC3D_IDX);
    near(vals(new nn.FractionalMaxPool3d(2, [3, 4, 2], null, false, s).forward(x)), G_FRAC3D);
  }));
  test('without samples: flintml\'s generator (manualSeed repeats), each value the max of the input at its index', () => fl.scope(() => {
    const x = ramp([2, 3, 9, 8], 0.53, 'sin');
    fl.manualSeed(7);
    const [v, i] = F.fractionalMaxPool2d(x, 2, { outputRatio: [0.5, 0.7], returnIndices: true });
    expect(v.shape).toEqual([2, 3, 4, 5]);
    fl.manualSeed(7);
    expect(vals(F.fractionalMaxPool2d(x, 2, { outputRatio: [0.5, 0.7] }))).toEqual(vals(v));
    // float64 reference: the value is the input at the index, and the largest of its 2×2 window from there
    const xs = vals(x), vs = vals(v), is = ints(i);
    for (let k = 0; k < vs.length; k++) {
      const plane = Math.floor(k / 20), at = is[k];
      expect(vs[k]).toBe(xs[plane * 72 + at]);
    }
  }));
  test('the gradient reaches the chosen input (finite differences, float64)', () => fl.scope(() => {
    const x = ramp([1, 2, 6, 7], 0.83, 'cos').requiresGrad_();
    const s = t64([[[0.41, 0.29], [0.77, 0.05]]]);
    expect(fl.gradcheck((a: fl.Tensor) => F.fractionalMaxPool2d(a, 2, { outputSize: [4, 3], randomSamples: s }) as fl.Tensor, [x])).toBe(true);
    const x3 = ramp([1, 1, 5, 5, 5], 0.91, 'sin').requiresGrad_();
    const s3 = t64([[[0.6, 0.2, 0.9]]]);
    expect(fl.gradcheck((a: fl.Tensor) => F.fractionalMaxPool3d(a, 2, { outputSize: 3, randomSamples: s3 }) as fl.Tensor, [x3])).toBe(true);
  }));
  test('NaN: the last NaN of a window is taken, as torch\'s kernel; ties: the first maximum', () => fl.scope(() => {
    const x = t64([NaN, 1, NaN, 1]).reshape([1, 1, 2, 2]);
    const s = t64([[[0.5, 0.5]]]);
    // torch: F.fractional_max_pool2d(torch.tensor([[[[nan, 1], [nan, 1]]]]), 2, output_size=1, return_indices=True, _random_samples=...) -> nan at 2
    const [v, i] = F.fractionalMaxPool2d(x, 2, { outputSize: 1, returnIndices: true, randomSamples: s });
    expect(Number.isNaN(vals(v)[0])).toBe(true);
    expect(ints(i)).toEqual([2]);
    const [, j] = F.fractionalMaxPool2d(t64([1, 2, 2, 0]).reshape([1, 1, 2, 2]), 2, { outputSize: 1, returnIndices: true, randomSamples: s });
    expect(ints(j)).toEqual([1]);
  }));
  test('refusals: torch\'s checks, typed errors', () => fl.scope(() => {
    const x = ramp([1, 1, 4, 4], 1, 'sin');
    expect(() => F.fractionalMaxPool2d(x, 2)).toThrow(new fl.ValueError('fractionalMaxPool2d: requires specifying either an outputSize or an outputRatio'));
    // torch: fractional_max_pool2d(): pool height 3 too large relative to input height 4
    expect(() => F.fractionalMaxPool2d(x, 3, { outputSize: 3 })).toThrow(/fractionalMaxPool2d: pool height 3 too large relative to input height 4/);
    expect(() => F.fractionalMaxPool2d(x, 2, { outputSize: 2, randomSamples: t64([[[0.5, 0.5]]], 'float32') })).toThrow(fl.DTypeError);
    expect(() => F.fractionalMaxPool2d(x, 2, { outputSize: 2, randomSamples: t64([[[0.5]]]) })).toThrow(new fl.ShapeError('fractionalMaxPool2d: randomSamples must have shape [1, 1, 2] (one sample per plane and dim), got [1, 1, 1]'));
    // torch: The function 'fractional_max_pool2d' is not differentiable with respect to argument 'random_samples'
    expect(() => F.fractionalMaxPool2d(x, 2, { outputSize: 2, randomSamples: t64([[[0.5, 0.5]]]).requiresGrad_() })).toThrow(/randomSamples is not differentiable/);
    expect(() => F.fractionalMaxPool2d(x.to('int32'), 2, { outputSize: 2 })).toThrow(fl.DTypeError);
    expect(() => F.fractionalMaxPool2d(x.reshape([16]), 2, { outputSize: 2 })).toThrow(fl.ShapeError);
    // torch's 3-D check is strict: out + k - 1 < in
    expect(() => F.fractionalMaxPool3d(ramp([1, 1, 4, 4, 4], 1, 'sin'), 2, { outputSize: 3 })).toThrow(/fractionalMaxPool3d: pool time 2 too large relative to input time 4/);
    expect(() => new nn.FractionalMaxPool2d(2)).toThrow(new fl.ValueError('FractionalMaxPool2d: requires specifying either an output size, or a pooling ratio'));
    expect(() => new nn.FractionalMaxPool2d(2, { outputSize: 2, outputRatio: 0.5 })).toThrow(/only one of outputSize and outputRatio/);
    // torch: output_ratio must be between 0 and 1 (got 1.5)
    expect(() => new nn.FractionalMaxPool2d(2, { outputRatio: 1.5 })).toThrow(/FractionalMaxPool2d: outputRatio must be between 0 and 1/);
  }));
});

describe('UpsamplingNearest2d, UpsamplingBilinear2d', () => {
  test('torch 1.13 golden values and repr', () => fl.scope(() => {
    const u = fl.arange(6, { dtype: 'float64', device: DEVICE }).reshape([1, 1, 2, 3]);
    // nn.UpsamplingNearest2d(scale_factor=2)(u)
    near(vals(new nn.UpsamplingNearest2d({ scaleFactor: 2 }).forward(u)), G_UPN);
    near(vals(new nn.UpsamplingNearest2d(null, 2).forward(u)), G_UPN);
    // nn.UpsamplingBilinear2d(size=(3, 4))(u): align_corners=True
    const b = new nn.UpsamplingBilinear2d([3, 4]);
    near(vals(b.forward(u)), G_UPB);
    expect(b.alignCorners).toBe(true);
    expect(b).toBeInstanceOf(nn.Upsample);
    expect(String(b)).toBe('UpsamplingBilinear2d(size=(3, 4), mode=bilinear)');
    const x = ramp([1, 1, 3, 3], 0.7, 'sin').requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => b.forward(a), [x])).toBe(true);
    expect(() => new nn.UpsamplingBilinear2d({ size: 2, mode: 'nearest' } as never)).toThrow(/UpsamplingBilinear2d: unknown option 'mode'/);
  }));
});

describe('CrossMapLRN2d (torch 1.13\'s legacy window)', () => {
  test('golden values; where C > prePad + 1 it differs from F.localResponseNorm, as in torch', () => fl.scope(() => {
    const z = ramp([2, 6, 2, 2], 0.37, 'sin');
    // nn.CrossMapLRN2d(3, 0.1, 0.75, 1)(z)
    near(vals(new nn.CrossMapLRN2d(3, 0.1, 0.75, 1).forward(z)), G_CMLRN);
    // nn.CrossMapLRN2d(4, 0.5, 0.6, 2)(z)
    near(vals(new nn.CrossMapLRN2d(4, { alpha: 0.5, beta: 0.6, k: 2 }).forward(z)), G_CMLRN4);
    // F.local_response_norm(z, 3, 0.1, 0.75, 1): not the same numbers (torch's quirk kept)
    near(vals(F.localResponseNorm(z, 3, 0.1, 0.75, 1)), G_LRN);
    expect(Math.max(...G_CMLRN.map((v, k) => Math.abs(v - G_LRN[k])))).toBeGreaterThan(1e-3);
  }));
  test('the gradient is the derivative of the forward (finite differences); 3-D input refused; repr', () => fl.scope(() => {
    const x = ramp([1, 5, 2, 2], 0.47, 'cos').requiresGrad_();
    const m = new nn.CrossMapLRN2d(3, 0.2, 0.75, 1);
    expect(fl.gradcheck((a: fl.Tensor) => m.forward(a), [x])).toBe(true);
    expect(() => m.forward(ramp([5, 2, 2], 1, 'sin'))).toThrow(new fl.ShapeError('CrossMapLRN2d: expected a 4-D [N, C, H, W] input, got shape [5, 2, 2]'));
    expect(() => new nn.CrossMapLRN2d(0)).toThrow(/CrossMapLRN2d: size must be a positive integer, got 0/);
    // torch: CrossMapLRN2d(5, alpha=0.0001, beta=0.75, k=2)
    expect(String(new nn.CrossMapLRN2d(5, 1e-4, 0.75, 2))).toBe('CrossMapLRN2d(5, alpha=0.0001, beta=0.75, k=2)');
  }));
});

describe('AdaptiveLogSoftmaxWithLoss (torch 1.13 golden values with identical weights)', () => {
  // m = torch.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6], div_value=2.0, head_bias=True).double(); parameter k of
  // m.state_dict() set to sin(arange(numel) * (0.37 + 0.11 k)); x = cos(arange(20) * 0.53).reshape(5, 4); t = [0, 4, 9, 2, 7]
  const make = (): fl.nn.AdaptiveLogSoftmaxWithLoss => {
    const m = new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6], { divValue: 2, headBias: true, dtype: 'float64', device: DEVICE });
    const sd = m.stateDict();
    const state: Record<string, fl.Tensor> = {};
    Object.entries(sd).forEach(([key, p], k) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      state[key] = fl.tensor(Array.from({ length: n }, (_, i) => Math.sin(i * (0.37 + 0.11 * k))), { dtype: 'float64', device: DEVICE }).reshape(p.shape);
    });
    m.loadStateDict(state);
    return m;
  };
  test('state-dict keys and shapes as torch\'s; forward\'s [output, loss], its gradients; logProb, predict', () => fl.scope(() => {
    const m = make();
    expect(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape])).toEqual([['head.weight', [5, 4]], ['head.bias', [5]], ['tail.0.0.weight', [2, 4]], ['tail.0.1.weight', [3, 2]], ['tail.1.0.weight', [1, 4]], ['tail.1.1.weight', [4, 1]]]);
    const x = ramp([5, 4], 0.53, 'cos').requiresGrad_();
    const t = fl.tensor([0, 4, 9, 2, 7], { dtype: 'int32', device: DEVICE });
    const r = m.forward(x, t);
    const [out, loss] = r;
    expect(r.output).toBe(out); expect(r.loss).toBe(loss);
    near(vals(out), [-2.395254527664, -2.609390511523, -2.449782777762, -2.218581645489, -6.117742830237]);
    near(vals(loss), [3.158150458535]);
    loss.backward();
    near(vals(x.grad!), [0.133012880214, 0.063359167331, -0.01486991162, -0.09108641779, -0.017902258609, -0.078011647798, -0.105740682163, -0.094122262534, 0.058877779181, 0.075299354199, 0.059665096533, 0.005804483588, 0.091757747749, 0.166666259839, 0.219017275526, 0.241725330427, -0.087015705353, -0.252862732771, -0.345639816101, -0.338067439671]);
    near(vals((m.tail.at(1).at(0) as fl.nn.Linear).weight.grad!), [0.036423613103, 0.104649796656, 0.144161555862, 0.144117422732]);
    near(vals(m.logProb(x)), [-2.395254527664, -0.353289041733, -2.425158389477, -5.787373827203, -4.73521958622, -6.173067344314, -4.316259178512, -3.440571896856, -3.255241166225, -3.906374263357, -5.764889217045, -6.160589571095, -1.923197098476, -0.52323557846, -2.609390511523, -1.826910718964, -4.39236788873, -6.132291383491, -6.500529337017, -5.206777791631, -1.497410552061, -1.720595037959, -2.984663546944, -4.705766572419, -3.579940954004, -2.959014893128, -2.89015511709, -1.949333821928, -1.750218108273, -2.449782777762, -2.42323849857, -0.388866531525, -2.218581645489, -5.421819214674, -4.511044634832, -5.941781387279, -4.192248147748, -3.434557467856, -3.274199574989, -3.83759416733, -5.77929428433, -6.274364034057, -2.012073862322, -0.529263249181, -2.605952420396, -1.733165918729, -4.38588007679, -6.117742830237, -6.484274805946, -5.196516970378]);
    expect(ints(m.predict(x))).toEqual([1, 3, 0, 1, 3]);
    // unbatched: m(sin(arange(4) * 0.9), torch.tensor(5))
    const [o1, l1] = m.forward(ramp([4], 0.9, 'sin'), fl.tensor(5, { dtype: 'int32', device: DEVICE }));
    expect(o1.shape).toEqual([]);
    near(vals(o1), [-4.937462609783]); near(vals(l1), [4.937462609783]);
    for (const p of m.parameters()) if (p.grad) { p.grad.dispose(); p.grad = null; }
  }));
  test('gradients by finite differences (float64); logProb sums to one per row', () => fl.scope(() => {
    const m = make();
    const t = fl.tensor([8, 1, 5], { dtype: 'int32', device: DEVICE });
    const x = ramp([3, 4], 0.29, 'sin').requiresGrad_();
    expect(fl.gradcheck((a: fl.Tensor) => m.forward(a, t).output, [x])).toBe(true);
    near(vals(m.logProb(x).exp().sum(1)), [1, 1, 1], 1e-12);
  }));
  test('refusals: torch\'s checks, typed errors; repr as torch\'s', () => fl.scope(() => {
    // torch: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, ...
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [6, 3])).toThrow(/AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers/);
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 10])).toThrow(fl.ValueError);
    expect(() => new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [0])).toThrow(fl.ValueError);
    const m = make();
    const x = ramp([2, 4], 1, 'sin');
    expect(() => m.forward(x, fl.tensor([0, 10], { dtype: 'int32', device: DEVICE }))).toThrow(new fl.IndexError('AdaptiveLogSoftmaxWithLoss: target values should be in [0, 9], but values in range [0, 10] were found (target [2])'));
    expect(() => m.forward(x, fl.tensor([0], { dtype: 'int32', device: DEVICE }))).toThrow(/should have the same size in the batch dimension/);
    expect(() => m.forward(x, fl.tensor([[0, 1]], { dtype: 'int32', device: DEVICE }))).toThrow(/0D or 1D target tensor expected, multi-target not supported/);
    expect(() => m.forward(x, fl.tensor([0, 1], { dtype: 'float32', device: DEVICE }))).toThrow(fl.DTypeError);
    expect(() => m.logProb(ramp([2, 3], 1, 'sin'))).toThrow(new fl.ShapeError('AdaptiveLogSoftmaxWithLoss.logProb: expected input of shape [N, 4], got [2, 3]'));
    expect(String(new nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6], 2, true))).toBe('AdaptiveLogSoftmaxWithLoss(\n  (head): Linear(in_features=4, out_features=5, bias=True)\n  (tail): ModuleList(\n    (0): Sequential(\n      (0): Linear(in_features=4, out_features=2, bias=False)\n      (1): Linear(in_features=2, out_features=3, bias=False)\n    )\n    (1): Sequential(\n      (0): Linear(in_features=4, out_features=1, bias=False)\n      (1): Linear(in_features=1, out_features=4, bias=False)\n    )\n  )\n)');
  }));
});

describe('lazy modules: the eager class with the input size from the first forward', () => {
  const sameNumbers = (a: fl.Tensor, b: fl.Tensor) => { expect(a.shape).toEqual(b.shape); expect(vals(a)).toEqual(vals(b)); };
  test('LazyLinear: placeholders, torch\'s repr, then a Linear with the weights the eager class draws at that moment', () => fl.scope(() => {
    fl.manualSeed(11);
    const m = new nn.LazyLinear(3, { dtype: 'float64', device: DEVICE });
    expect(m).toBeInstanceOf(nn.Linear);
    expect(m.hasUninitializedParams()).toBe(true);
    expect(m.weight.shape).toEqual([0]);
    // torch: LazyLinear(in_features=0, out_features=3, bias=True); state_dict keys ['weight', 'bias']
    expect(String(m)).toBe('LazyLinear(in_features=0, out_features=3, bias=True)');
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    const x = fl.randn([2, 5], { dtype: 'float64', device: DEVICE });
    const w = m.weight;
    const y = m.forward(x);
    // the reference: the same seed, the same draws before, then the eager class
    fl.manualSeed(11);
    const x2 = fl.randn([2, 5], { dtype: 'float64', device: DEVICE });
    const e = new nn.Linear(5, 3, { dtype: 'float64', device: DEVICE });
    sameNumbers(m.weight, e.weight); sameNumbers(m.bias!, e.bias!); sameNumbers(y, e.forward(x2));
    expect(m.weight).toBe(w);  // the same Parameter object, materialized in place
    expect(m.weight.device.split(':')[0]).toBe(DEVICE.split(':')[0]);
    expect(String(m)).toBe('Linear(in_features=5, out_features=3, bias=True)');
    expect(m.constructor).toBe(nn.Linear);
    expect((m as unknown as { hasUninitializedParams?: unknown }).hasUninitializedParams).toBeUndefined();
    // the next call is the Linear's: a wrong size is refused as Linear refuses it
    expect(() => m.forward(fl.ones([2, 4], { dtype: 'float64', device: DEVICE }))).toThrow(/Linear: input of shape \[2, 4\] has 4 features, expected in_features=5/);
  }));
  test('an optimizer made before the first forward trains the materialized parameters (as torch\'s, which materializes in place)', () => fl.scope(() => {
    const m = new nn.LazyLinear(2, { dtype: 'float64', device: DEVICE });
    const opt = new fl.optim.SGD(m.parameters(), 0.5);
    const x = fl.ones([1, 3], { dtype: 'float64', device: DEVICE });
    m.forward(x).sum().backward();
    const before = vals(m.weight);
    opt.step();
    // SGD: w - 0.5 · dL/dw, and dL/dw = 1 for every weight of sum(x·Wᵀ + b) with x = ones
    near(vals(m.weight), before.map((v) => v - 0.5));
    opt.zeroGrad();
  }));
  const convs: [string, () => fl.nn.Module, () => fl.nn.Module, number[]][] = [
    ['LazyConv1d', () => new nn.LazyConv1d(4, 3, { padding: 1, dtype: 'float64', device: DEVICE }), () => new nn.Conv1d(2, 4, 3, { padding: 1, dtype: 'float64', device: DEVICE }), [2, 2, 6]],
    ['LazyConv2d', () => new nn.LazyConv2d(4, [2, 3], { stride: 2, groups: 2, bias: false, dtype: 'float64', device: DEVICE }), () => new nn.Conv2d(2, 4, [2, 3], { stride: 2, groups: 2, bias: false, dtype: 'float64', device: DEVICE }), [1, 2, 5, 6]],
    ['LazyConv3d', () => new nn.LazyConv3d(3, 2, { dtype: 'float64', device: DEVICE }), () => new nn.Conv3d(2, 3, 2, { dtype: 'float64', device: DEVICE }), [1, 2, 3, 3, 3]],
    ['LazyConvTranspose1d', () => new nn.LazyConvTranspose1d(3, 2, { stride: 2, dtype: 'float64', device: DEVICE }), () => new nn.ConvTranspose1d(2, 3, 2, { stride: 2, dtype: 'float64', device: DEVICE }), [1, 2, 4]],
    ['LazyConvTranspose2d', () => new nn.LazyConvTranspose2d(3, 2, { outputPadding: 1, stride: 2, dtype: 'float64', device: DEVICE }), () => new nn.ConvTranspose2d(2, 3, 2, { outputPadding: 1, stride: 2, dtype: 'float64', device: DEVICE }), [1, 2, 3, 3]],
    ['LazyConvTranspose3d', () => new nn.LazyConvTranspose3d(2, 2, { dtype: 'float64', device: DEVICE }), () => new nn.ConvTranspose3d(2, 2, 2, { dtype: 'float64', device: DEVICE }), [1, 2, 2, 2, 2]],
    // unbatched input: in_channels from dim 0, as torch's _get_in_channels
    ['LazyConv1d (unbatched)', () => new nn.LazyConv1d(4, 3, { dtype: 'float64', device: DEVICE }), () => new nn.Conv1d(2, 4, 3, { dtype: 'float64', device: DEVICE }), [2, 6]],
  ];
  test.each(convs)('%s equals its eager class built at the same point of the RNG stream: values, gradients, state dict', (_, lazy, eager, shape) => fl.scope(() => {
    fl.manualSeed(5);
    const m = lazy() as fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor; hasUninitializedParams(): boolean };
    expect(m.hasUninitializedParams()).toBe(true);
    const x = fl.randn(shape, { dtype: 'float64', device: DEVICE }).requiresGrad_();
    const y = m.forward(x);
    fl.manualSeed(5);
    const x2 = fl.randn(shape, { dtype: 'float64', device: DEVICE }).requiresGrad_();
    const e = eager() as fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor };
    const y2 = e.forward(x2);
    sameNumbers(y, y2);
    y.sum().backward(); y2.sum().backward();
    sameNumbers(x.grad!, x2.grad!);
    const a = m.stateDict(), b = e.stateDict();
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) sameNumbers(a[k], b[k]);
    expect(String(m)).toBe(String(e));
    expect(Object.getPrototypeOf(m)).toBe(Object.getPrototypeOf(e));
    for (const p of [...m.parameters(), ...e.parameters()]) if (p.grad) { p.grad.dispose(); p.grad = null; }
  }));
  const norms: [string, () => fl.nn.Module, () => fl.nn.Module, number[]][] = [
    ['LazyBatchNorm1d', () => new nn.LazyBatchNorm1d({ dtype: 'float64', device: DEVICE }), () => new nn.BatchNorm1d(3, { dtype: 'float64', device: DEVICE }), [4, 3]],
    ['LazyBatchNorm2d', () => new nn.LazyBatchNorm2d({ momentum: 0.3, dtype: 'float64', device: DEVICE }), () => new nn.BatchNorm2d(3, { momentum: 0.3, dtype: 'float64', device: DEVICE }), [2, 3, 2, 2]],
    ['LazyBatchNorm3d', () => new nn.LazyBatchNorm3d({ affine: false, dtype: 'float64', device: DEVICE }), () => new nn.BatchNorm3d(2, { affine: false, dtype: 'float64', device: DEVICE }), [2, 2, 2, 2, 2]],
    // torch's lazy instance norms default to affine=True, track_running_stats=True
    ['LazyInstanceNorm1d', () => new nn.LazyInstanceNorm1d({ dtype: 'float64', device: DEVICE }), () => new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true, dtype: 'float64', device: DEVICE }), [2, 3, 5]],
    ['LazyInstanceNorm2d', () => new nn.LazyInstanceNorm2d({ eps: 1e-3, dtype: 'float64', device: DEVICE }), () => new nn.InstanceNorm2d(3, { eps: 1e-3, affine: true, trackRunningStats: true, dtype: 'float64', device: DEVICE }), [2, 3, 3, 3]],
    ['LazyInstanceNorm3d', () => new nn.LazyInstanceNorm3d({ trackRunningStats: false, dtype: 'float64', device: DEVICE }), () => new nn.InstanceNorm3d(2, { affine: true, dtype: 'float64', device: DEVICE }), [1, 2, 2, 2, 3]],
  ];
  test.each(norms)('%s: placeholders of shape [0], then the eager norm (values, running stats, state dict)', (_, lazy, eager, shape) => fl.scope(() => {
    const m = lazy() as fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor; hasUninitializedParams(): boolean };
    expect(m.hasUninitializedParams()).toBe(true);
    for (const t of Object.values(m.stateDict())) if (t.ndim > 0) expect(t.shape).toEqual([0]);
    const x = fl.randn(shape, { dtype: 'float64', device: DEVICE });
    const e = eager() as fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor };
    sameNumbers(m.forward(x), e.forward(x));
    const a = m.stateDict(), b = e.stateDict();
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) sameNumbers(a[k], b[k]);
    expect(String(m)).toBe(String(e));
  }));
  test('refusals, typed and naming the lazy class', () => fl.scope(() => {
    expect(() => new nn.LazyConv2d(4, 3, { groups: 0 })).toThrow(new fl.ValueError('LazyConv2d: groups must be a positive integer, got 0'));
    expect(() => new nn.LazyConv2d(4, 3, { groups: 2 }).forward(fl.ones([1, 3, 5, 5], { device: DEVICE }))).toThrow(new fl.ValueError('LazyConv2d: in_channels (3, from input [1, 3, 5, 5]) must be divisible by groups (2)'));
    // torch: Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of size: [5, 5]
    expect(() => new nn.LazyConv2d(4, 3).forward(fl.ones([5, 5], { device: DEVICE }))).toThrow(new fl.ShapeError('LazyConv2d: expected 3D (unbatched) or 4D (batched) input, but got input of size [5, 5]'));
    expect(() => new nn.LazyBatchNorm1d().forward(fl.ones([3], { device: DEVICE }))).toThrow(fl.ShapeError);
    expect(() => (new nn.LazyLinear(2) as any).forward('x')).toThrow(/LazyLinear: input must be a Tensor/);
    expect(() => new (nn.LazyLinear as any)(2, { bais: false })).toThrow(/LazyLinear: unknown option 'bais' \(did you mean 'bias'\?\)/);
    // nothing is drawn from the generator by the constructors
    fl.manualSeed(3); const r1 = vals(fl.rand([3]));
    fl.manualSeed(3); new nn.LazyLinear(4); new nn.LazyConv2d(2, 3); const r2 = vals(fl.rand([3]));
    expect(r2).toEqual(r1);
  }));
});

describe('SyncBatchNorm: BatchNorm where no other rank takes part; convertSyncBatchnorm; a mirrored world', () => {
  // A loopback engine in place of MPI's (as args.test.ts does): a world of `n` whose every rank holds
  // this process's tensors (a mirror). Its blocking collectives, the ones SyncBatchNorm uses, give
  // what n identical ranks would: allGather copies the tensor into every slot, a sum multiplies by n.
  // The asynchronous ones are not used here.
  const loopback = async (init: EngineInit): Promise<Engine> => ({
    name: 'mpi', rank: init.rank, worldSize: init.worldSize,
    allReduce: async () => undefined, broadcast: async () => undefined, allGather: async () => undefined, reduceScatter: async () => undefined,
    send: async () => undefined, recv: async () => undefined, barrier: async () => undefined, abort: () => undefined, destroy: async () => undefined,
    allReduceSync: (t, op) => { if (op !== 'sum') throw new Error(`loopback: ${op}`); fl.noGrad(() => t.mul_(init.worldSize)); return true; },
    allGatherSync: (outs, t) => { fl.noGrad(() => { for (const o of outs) o.copy_(t); }); return true; },
  });
  async function inWorld(n: number, fn: () => void): Promise<void> {
    const prev = registerEngine('mpi', loopback);
    const env = { r: process.env.OMPI_COMM_WORLD_RANK, s: process.env.OMPI_COMM_WORLD_SIZE };
    process.env.OMPI_COMM_WORLD_RANK = '0'; process.env.OMPI_COMM_WORLD_SIZE = String(n);
    try {
      await fl.distributed.initProcessGroup({ backend: 'mpi' });
      try { fn(); } finally { await fl.distributed.destroyProcessGroup(); }
    } finally {
      registerEngine('mpi', prev);
      if (env.r === undefined) delete process.env.OMPI_COMM_WORLD_RANK; else process.env.OMPI_COMM_WORLD_RANK = env.r;
      if (env.s === undefined) delete process.env.OMPI_COMM_WORLD_SIZE; else process.env.OMPI_COMM_WORLD_SIZE = env.s;
    }
  }
  const cases: [number[], () => fl.nn.Module][] = [
    [[4, 3], () => new nn.BatchNorm1d(3, { dtype: 'float64', device: DEVICE })],
    [[4, 3, 5], () => new nn.BatchNorm1d(3, { dtype: 'float64', device: DEVICE })],
    [[2, 3, 2, 3], () => new nn.BatchNorm2d(3, { dtype: 'float64', device: DEVICE })],
    [[2, 3, 2, 2, 2], () => new nn.BatchNorm3d(3, { dtype: 'float64', device: DEVICE })],
  ];
  const compare = (shape: number[], bn: () => fl.nn.Module) => fl.scope(() => {
    const s = new nn.SyncBatchNorm(3, { momentum: 0.2, dtype: 'float64', device: DEVICE });
    const b = bn() as fl.nn.Module & { forward(x: fl.Tensor): fl.Tensor; momentum: number };
    (b as unknown as { momentum: number }).momentum = 0.2;
    const x = ramp(shape, 0.77, 'sin').requiresGrad_(), x2 = ramp(shape, 0.77, 'sin').requiresGrad_();
    const w = ramp(shape, 0.31, 'cos');
    const y = s.forward(x), y2 = b.forward(x2);
    expect(vals(y)).toEqual(vals(y2));
    y.mul(w).sum().backward(); y2.mul(w).sum().backward();
    expect(vals(x.grad!)).toEqual(vals(x2.grad!));
    expect(vals(s.weight!.grad!)).toEqual(vals((b as any).weight.grad));
    const a = s.stateDict(), c = b.stateDict();
    expect(Object.keys(a)).toEqual(Object.keys(c));
    for (const k of Object.keys(a)) expect(vals(a[k])).toEqual(vals(c[k]));
    s.eval(); b.eval();
    expect(vals(s.forward(x.detach()))).toEqual(vals(b.forward(x2.detach())));
    for (const m of [s, b]) for (const p of m.parameters()) if (p.grad) { p.grad.dispose(); p.grad = null; }
  });
  test.each(cases)('no process group: input %j is BatchNorm\'s (values, gradients, running stats, eval)', (shape, bn) => compare(shape, bn));
  test('a world of one is BatchNorm too', async () => {
    await inWorld(1, () => compare([4, 3, 5], cases[1][1]));
  });
  // The mirrored world is an 'mpi' world: its tensors are on the CPU on every test device (the GPU
  // path, NCCL's, is test/distributed-nccl.test.ts's two-process SyncBatchNorm on the emulator).
  const cpuRamp = (shape: number[], f: number, fn: 'sin' | 'cos', dtype: fl.DType = 'float64') => ramp(shape, f, fn, dtype).to('cpu');
  // Reference: BatchNorm over the mirrored world's whole batch, cat([x, x]), in this process (float64;
  // the combination of per-rank statistics and the all-reduced backward sums round differently from
  // one reduction over the whole batch: 1e-12). SyncBatchNorm's weight and bias gradients are this
  // rank's share (torch's: DistributedDataParallel averages them), half of the whole batch's here.
  test.each([
    [[4, 3], 0.2], [[3, 3, 5], 0.1], [[2, 3, 2, 3], null], [[2, 3, 2, 2, 2], 0.5],
  ] as [number[], number | null][])('a mirrored world of two, input %j, momentum %p: BatchNorm over cat([x, x]) (values, gradients, running stats over 2 steps)', async (shape, momentum) => {
    await inWorld(2, () => fl.scope(() => {
      const s = new nn.SyncBatchNorm(3, { momentum, dtype: 'float64', device: 'cpu' });
      const o = { momentum, dtype: 'float64' as const, device: 'cpu' };
      const b = shape.length <= 3 ? new nn.BatchNorm1d(3, o) : shape.length === 4 ? new nn.BatchNorm2d(3, o) : new nn.BatchNorm3d(3, o);
      for (const m of [s, b]) fl.noGrad(() => { m.weight!.copy_(cpuRamp([3], 0.9, 'cos')); m.bias!.copy_(cpuRamp([3], 0.4, 'sin')); });
      // the largest error relative to max(1, |expected|), beside its name (a failure says which)
      const close = (a: number[], e: number[], what: string) => {
        expect(a.length).toBe(e.length);
        const err = Math.max(0, ...a.map((v, i) => Math.abs(v - e[i]) / Math.max(1, Math.abs(e[i]))));
        expect(`${what}: ${err <= 1e-12 ? 'within 1e-12' : String(err)}`).toBe(`${what}: within 1e-12`);
      };
      for (const step of [0, 1]) {
        const x = cpuRamp(shape, 0.77 + step, 'sin').add(step).requiresGrad_();
        const w = cpuRamp(shape, 0.31, 'cos');
        const X = fl.cat([x, x]).detach().requiresGrad_();
        const y = s.forward(x), Y = b.forward(X);
        close(vals(y), vals(Y).slice(0, x.numel), 'output');
        y.mul(w).sum().backward(); Y.mul(fl.cat([w, w])).sum().backward();
        close(vals(x.grad!), vals(X.grad!).slice(0, x.numel), 'input gradient');
        close(vals(s.weight!.grad!).map((v) => 2 * v), vals(b.weight!.grad!), 'weight gradient');
        close(vals(s.bias!.grad!).map((v) => 2 * v), vals(b.bias!.grad!), 'bias gradient');
        close(vals(s.runningMean!), vals(b.runningMean!), 'running mean');
        close(vals(s.runningVar!), vals(b.runningVar!), 'running var');
        expect(vals(s.numBatchesTracked!)).toEqual([step + 1]);
        for (const m of [s, b]) for (const p of m.parameters()) if (p.grad) { p.grad.dispose(); p.grad = null; }
      }
      s.eval(); b.eval();  // eval: the running stats, no collective
      const x = cpuRamp(shape, 0.5, 'cos');
      close(vals(s.forward(x)), vals(b.forward(x)), 'eval output');
    }));
  });
  test('a mirrored world of two: an empty batch on every rank (empty output, running stats kept, as BatchNorm); createGraph is refused; float32', async () => {
    await inWorld(2, () => fl.scope(() => {
      const s = new nn.SyncBatchNorm(3, { dtype: 'float64', device: 'cpu' });
      fl.noGrad(() => { s.runningMean!.copy_(cpuRamp([3], 1, 'sin')); s.runningVar!.copy_(cpuRamp([3], 1, 'cos').add(2)); });
      const y = s.forward(fl.zeros([0, 3, 4], { dtype: 'float64', device: 'cpu' }));
      expect(y.shape).toEqual([0, 3, 4]);
      expect([vals(s.runningMean!), vals(s.runningVar!)]).toEqual([vals(cpuRamp([3], 1, 'sin')), vals(cpuRamp([3], 1, 'cos').add(2))]);
      const t = new nn.SyncBatchNorm(3, { device: 'cpu' });
      const x = cpuRamp([4, 3], 1, 'sin', 'float32').requiresGrad_();
      const g = fl.autograd.grad(t.forward(x).mul(cpuRamp([4, 3], 2, 'cos', 'float32')).sum(), [x], { createGraph: false })[0]!;
      expect(g.dtype).toBe('float32');
      expect(() => fl.autograd.grad(t.forward(x).pow(3).sum(), [x], { createGraph: true })).toThrow(/backward of SyncBatchNorm is not differentiable/);
      // a size-1 channel is allowed with several ranks (the whole batch has 2 values per channel)
      expect(t.forward(cpuRamp([1, 3], 1, 'sin', 'float32')).shape).toEqual([1, 3]);
    }));
  });

  test('convertSyncBatchnorm: every batch norm becomes a SyncBatchNorm sharing its parameters, buffers and mode', () => fl.scope(() => {
    const bn2 = new nn.BatchNorm2d(4), inner = new nn.BatchNorm1d(4, { affine: false });
    inner.eval();
    const net = new nn.Sequential(new nn.Conv2d(2, 4, 3), bn2, new nn.ReLU(), new nn.Sequential(new nn.Flatten(2), inner));
    const keys = Object.keys(net.stateDict());
    const w = bn2.weight, rm = bn2.runningMean;
    const out = nn.SyncBatchNorm.convertSyncBatchnorm(net);
    expect(out).toBe(net);
    const s = net.at(1) as fl.nn.SyncBatchNorm;
    expect(s).toBeInstanceOf(nn.SyncBatchNorm);
    expect(s.weight).toBe(w); expect(s.runningMean).toBe(rm);
    const s2 = (net.at(3) as fl.nn.Sequential).at(1) as fl.nn.SyncBatchNorm;
    expect(s2).toBeInstanceOf(nn.SyncBatchNorm);
    expect(s2.training).toBe(false); expect(s2.weight).toBeNull();
    expect(Object.keys(net.stateDict())).toEqual(keys);
    expect(net.forward(fl.arange(100).reshape([2, 2, 5, 5]).sin()).shape).toEqual([2, 4, 9]);  // (the model is on the CPU)
    // a batch norm at the root is replaced (returned), as torch's
    const root = new nn.BatchNorm1d(2);
    const conv = nn.SyncBatchNorm.convertSyncBatchnorm(root);
    expect(conv).toBeInstanceOf(nn.SyncBatchNorm);
    expect((conv as fl.nn.SyncBatchNorm).weight).toBe(root.weight);
    // torch: SyncBatchNorm(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
    expect(String(conv)).toBe('SyncBatchNorm(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  }));
  test('refusals: torch\'s checks, typed errors', () => fl.scope(() => {
    const s = new nn.SyncBatchNorm(3);
    expect(() => s.forward(fl.ones([3], { device: DEVICE }))).toThrow(new fl.ShapeError('SyncBatchNorm: expected at least 2D input [N, C, *], got shape [3]'));
    expect(() => new nn.SyncBatchNorm(0).forward(fl.ones([2, 0], { device: DEVICE }))).toThrow(/SyncBatchNorm: number of input channels should be non-zero/);
    expect(() => s.forward(fl.ones([2, 4], { device: DEVICE }))).toThrow(new fl.ShapeError('SyncBatchNorm: expected input of shape [N, 3, *], got [2, 4]'));
    expect(() => new nn.SyncBatchNorm(3, { processGroup: 'world' as never })).toThrow(/SyncBatchNorm: processGroup must be null/);
    expect(() => nn.SyncBatchNorm.convertSyncBatchnorm('net' as never)).toThrow(/SyncBatchNorm.convertSyncBatchnorm: module must be an nn.Module/);
  }));
});
