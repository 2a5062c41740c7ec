// packed-sequence.test.ts — fl.nn.utils.rnn (lib/nn/packed.ts: PackedSequence, padSequence,
// packPaddedSequence, padPackedSequence, packSequence, unpackSequence, unpadSequence) and
// nn.LSTM / nn.GRU / nn.RNN on a PackedSequence (lib/nn/rnn.ts). References: PyTorch 1.13 golden
// values (the torch calls beside each; the RNN goldens come from /tmp-free generator code quoted in
// the comment above GOLDEN: float64 modules whose parameters and inputs are the closed-form waves
// below, identical on both sides), finite differences (fl.gradcheck) for the gradients of packing
// and padding, and the padded (fused) path of the same layer where every sequence is full length.
// Tolerances: exact for the index and copy results, 1e-9 relative (float64) for the RNN goldens.
// The tests run on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const R = fl.nn.utils.rnn;
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
const ints = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>, Number);
const arange = (n: number, shape: number[], dtype: fl.DType = 'float32'): fl.Tensor => fl.arange(n, { dtype, device: DEVICE }).reshape(shape);
function near(got: number[], want: number[], rel = 1e-9, what = ''): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= 1e-11 + rel * Math.abs(want[i]))) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${g}`);
  });
}

// ---- the utilities --------------------------------------------------------------------------------
describe('packPaddedSequence', () => {
  test('sorts, packs and keeps the permutations (torch 1.13)', () => fl.scope(() => {
    // torch: x = arange(24.).reshape(4, 3, 2); p = pack_padded_sequence(x, [3, 1, 4], enforce_sorted=False)
    const p = R.packPaddedSequence(arange(24, [4, 3, 2]), [3, 1, 4], { enforceSorted: false });
    expect(p).toBeInstanceOf(R.PackedSequence);
    expect(vals(p.data)).toEqual([4, 5, 0, 1, 2, 3, 10, 11, 6, 7, 16, 17, 12, 13, 22, 23]);
    expect(ints(p.batchSizes)).toEqual([3, 2, 2, 1]);
    expect(p.batchSizes.dtype).toBe('int32');
    expect(p.batchSizes.device).toBe('cpu');
    expect(ints(p.sortedIndices!)).toEqual([2, 0, 1]);
    expect(ints(p.unsortedIndices!)).toEqual([1, 2, 0]);
    expect(p.sortedIndices!.device).toBe(p.data.device);
  }));
  test('batchFirst with lengths as a CPU tensor', () => fl.scope(() => {
    // torch: pack_padded_sequence(arange(24.).reshape(3, 4, 2), tensor([2, 4, 1]), batch_first=True, enforce_sorted=False)
    const p = R.packPaddedSequence(arange(24, [3, 4, 2]), fl.tensor([2, 4, 1], { dtype: 'int32' }), true, false);
    expect(vals(p.data)).toEqual([8, 9, 0, 1, 16, 17, 10, 11, 2, 3, 12, 13, 14, 15]);
    expect(ints(p.batchSizes)).toEqual([3, 2, 1, 1]);
    expect(ints(p.sortedIndices!)).toEqual([1, 0, 2]);
    expect(ints(p.unsortedIndices!)).toEqual([1, 0, 2]);
  }));
  test('sorted lengths keep no permutation; ties keep their order (stable, as torch.sort here)', () => fl.scope(() => {
    const p = R.packPaddedSequence(arange(6, [2, 3]), [2, 2, 1]);
    expect(p.sortedIndices).toBeNull();
    expect(p.unsortedIndices).toBeNull();
    expect(vals(p.data)).toEqual([0, 1, 2, 3, 4]);
    // torch.sort(tensor([2, 3, 2, 3, 1, 2]), descending=True).indices: [1, 3, 0, 2, 5, 4]
    const q = R.packPaddedSequence(arange(18, [3, 6]), [2, 3, 2, 3, 1, 2], false, false);
    expect(ints(q.sortedIndices!)).toEqual([1, 3, 0, 2, 5, 4]);
  }));
  test("refuses what torch refuses, with torch's reasons", () => fl.scope(() => {
    const x = arange(24, [4, 3, 2]);
    expect(() => R.packPaddedSequence(x, [3, 1, 2])).toThrow(/packPaddedSequence: `lengths` array must be sorted in decreasing order/);
    expect(() => R.packPaddedSequence(x, [2, 1, 0])).toThrow(/has to be greater than 0/);
    expect(() => R.packPaddedSequence(x, [0, 2, 1], { enforceSorted: false })).toThrow(fl.ValueError);
    expect(() => R.packPaddedSequence(x, [3, 2, 1, 1])).toThrow(/equal to batch_size, but got 4 \(batch_size=3\)/);
    expect(() => R.packPaddedSequence(fl.zeros([3, 0, 2], { device: DEVICE }), [])).toThrow(/cannot pack empty tensors/);
    expect(() => R.packPaddedSequence(fl.zeros([3], { device: DEVICE }), [1])).toThrow(fl.ShapeError);
    expect(() => R.packPaddedSequence(x, fl.tensor([[3, 2, 1]], { dtype: 'int32' }))).toThrow(fl.ShapeError);
    expect(() => R.packPaddedSequence(x, 'abc' as any)).toThrow(fl.ValueError);
    expect(() => R.packPaddedSequence(x, [3, 2, 1], { enforce: true } as any)).toThrow(/unknown option/);
    // torch 1.13 reads past the input for a length > T (no check); flintml refuses
    expect(() => R.packPaddedSequence(x, [5, 2, 1])).toThrow(/longer than the input's 4 time steps/);
    if (DEVICE !== 'cpu') expect(() => R.packPaddedSequence(x, fl.tensor([3, 2, 1], { dtype: 'int32', device: DEVICE }))).toThrow(fl.DeviceError);   // torch: a 1D CPU int64 tensor
    // packSequence's refusals name it
    expect(() => R.packSequence([fl.ones([1, 2], { device: DEVICE }), fl.ones([2, 2], { device: DEVICE })])).toThrow(/^packSequence: `lengths` array must be sorted/);
  }));
});

describe('padPackedSequence and the round trips', () => {
  test('pads back in the original order, with totalLength and paddingValue (torch 1.13)', () => fl.scope(() => {
    const p = R.packPaddedSequence(arange(24, [3, 4, 2]), [2, 4, 1], true, false);
    // torch: pad_packed_sequence(p, batch_first=False, padding_value=9, total_length=6)
    const [pp, lens] = R.padPackedSequence(p, false, 9, 6);
    expect(pp.shape).toEqual([6, 3, 2]);
    expect(vals(pp)).toEqual([0, 1, 8, 9, 16, 17, 2, 3, 10, 11, 9, 9, 9, 9, 12, 13, 9, 9, 9, 9, 14, 15, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]);
    expect(ints(lens)).toEqual([2, 4, 1]);
    expect(lens.device).toBe('cpu');
    expect(() => R.padPackedSequence(p, { totalLength: 3 })).toThrow(/at least the length of the longest sequence in input, but got totalLength=3 and max sequence length being 4/);
    expect(() => R.padPackedSequence(pp as any)).toThrow(/sequence must be a PackedSequence/);
  }));
  test('pack then pad gives the input back, zero past each length (both layouts, both orders)', () => fl.scope(() => {
    for (const batchFirst of [false, true]) {
      for (const enforceSorted of [true, false]) {
        const lens = enforceSorted ? [5, 3, 3, 1] : [3, 5, 1, 3];
        const x = fl.randn(batchFirst ? [4, 5, 2, 3] : [5, 4, 2, 3], { dtype: 'float64', device: DEVICE });
        const [y, l] = R.padPackedSequence(R.packPaddedSequence(x, lens, batchFirst, enforceSorted), { batchFirst });
        expect(ints(l)).toEqual(lens);
        const xv = vals(x), yv = vals(y);
        const at = (b: number, t: number, k: number): number => (batchFirst ? (b * 5 + t) * 6 + k : (t * 4 + b) * 6 + k);
        for (let b = 0; b < 4; b++) for (let t = 0; t < 5; t++) for (let k = 0; k < 6; k++) expect(yv[at(b, t, k)]).toBe(t < lens[b] ? xv[at(b, t, k)] : 0);
      }
    }
  }));
  test('gradients flow through packing and padding (finite differences)', () => {
    const x = fl.randn([4, 3, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_();
    try {
      expect(fl.gradcheck((a: fl.Tensor) => {
        const p = R.packPaddedSequence(a, [2, 4, 3], false, false);
        return R.padPackedSequence(p, true, 0.5)[0].mul(fl.arange(24, { dtype: 'float64', device: DEVICE }).reshape([3, 4, 2]));
      }, [x])).toBe(true);
      const s = [fl.randn([3, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_(), fl.randn([1, 2], { dtype: 'float64', device: DEVICE }).requiresGrad_()];
      expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => R.padSequence([a, b], true, -2).square(), s)).toBe(true);
      expect(fl.gradcheck((a: fl.Tensor, b: fl.Tensor) => fl.cat(R.unpackSequence(R.packSequence([a, b])), 0).square(), s)).toBe(true);
      s.forEach((t) => t.dispose());
    } finally { x.dispose(); }
  });
  test('padSequence (torch 1.13), dtype of the first, refusals', () => fl.scope(() => {
    const s = [arange(6, [3, 2]), arange(2, [1, 2]).add(10), arange(4, [2, 2]).add(20)];
    // torch: pad_sequence(s, batch_first=True, padding_value=-1)
    expect(vals(R.padSequence(s, true, -1))).toEqual([0, 1, 2, 3, 4, 5, 10, 11, -1, -1, -1, -1, 20, 21, 22, 23, -1, -1]);
    // torch: pad_sequence(s)
    const p = R.padSequence(s);
    expect(p.shape).toEqual([3, 3, 2]);
    expect(vals(p)).toEqual([0, 1, 10, 11, 20, 21, 2, 3, 0, 0, 22, 23, 4, 5, 0, 0, 0, 0]);
    // torch: pad_sequence([zeros(2, 3), ones(3, 3, dtype=float64)]).dtype == float32
    expect(R.padSequence([fl.zeros([2, 3], { device: DEVICE }), fl.ones([3, 3], { dtype: 'float64', device: DEVICE })]).dtype).toBe('float32');
    // one tensor: its slices along dim 0 (torch unbinds it)
    expect(R.padSequence(arange(6, [2, 3])).shape).toEqual([3, 2]);
    // zero-length sequences pad fully
    expect(vals(R.padSequence([fl.zeros([0, 1], { device: DEVICE }), fl.ones([2, 1], { device: DEVICE })], true))).toEqual([0, 0, 1, 1]);
    expect(() => R.padSequence([])).toThrow(/padSequence: received an empty list of sequences/);
    expect(() => R.padSequence([fl.zeros([2, 3], { device: DEVICE }), fl.zeros([2, 4], { device: DEVICE })])).toThrow(fl.ShapeError);
    expect(() => R.padSequence([fl.tensor(1, { device: DEVICE }), fl.ones([3], { device: DEVICE })])).toThrow(fl.IndexError);
    // torch 1.13's fill check (c10::overflows): pad_sequence([uint8 ...], padding_value=-1) -> RuntimeError ... without overflow
    const u8 = [fl.ones([2], { dtype: 'uint8', device: DEVICE }), fl.ones([1], { dtype: 'uint8', device: DEVICE })];
    expect(() => R.padSequence(u8, false, -1)).toThrow(/padSequence: paddingValue -1 cannot be converted to uint8 without overflow/);
    expect(() => R.padSequence(u8, false, 256)).toThrow(fl.ValueError);
    expect(vals(R.padSequence(u8, false, 2.5))).toEqual([1, 1, 1, 2]);   // torch: 2.5 -> 2 (truncated)
    expect(() => R.padSequence(u8.map((t) => t.to('int32')), false, NaN)).toThrow(fl.ValueError);
    expect(() => R.padSequence(u8.map((t) => t.to('float16')), false, 1e6)).toThrow(fl.ValueError);
    expect(ints(R.padSequence(u8.map((t) => t.to('bool')), false, 7))).toEqual([1, 1, 1, 1]);   // bool takes any value
  }));
  test('packSequence, unpackSequence and unpadSequence (torch 1.13)', () => fl.scope(() => {
    const s = [arange(6, [3, 2]), arange(2, [1, 2]).add(10), arange(4, [2, 2]).add(20)];
    // torch: q = pack_sequence(s, enforce_sorted=False)
    const q = R.packSequence(s, false);
    expect(vals(q.data)).toEqual([0, 1, 20, 21, 10, 11, 2, 3, 22, 23, 4, 5]);
    expect(ints(q.batchSizes)).toEqual([3, 2, 1]);
    expect(ints(q.sortedIndices!)).toEqual([0, 2, 1]);
    expect(() => R.packSequence(s)).toThrow(/must be sorted in decreasing order/);
    const back = R.unpackSequence(q);
    expect(back.map((t) => t.shape)).toEqual([[3, 2], [1, 2], [2, 2]]);
    back.forEach((t, i) => expect(vals(t)).toEqual(vals(s[i])));
    const un = R.unpadSequence(R.padSequence(s), [3, 1, 2]);
    un.forEach((t, i) => expect(vals(t)).toEqual(vals(s[i])));
    const un2 = R.unpadSequence(R.padSequence(s, true), fl.tensor([3, 1], { dtype: 'int32' }), true);
    expect(un2.length).toBe(2);   // torch zips: the shorter of B and the lengths
    // torch keeps the steps t < length: one past T keeps all, one <= 0 none
    expect(R.unpadSequence(R.padSequence(s), [7, -1, 2]).map((t) => t.shape)).toEqual([[3, 2], [0, 2], [2, 2]]);
    expect(() => R.unpadSequence(fl.ones([3], { device: DEVICE }), [1])).toThrow(fl.ShapeError);
  }));
  test('PackedSequence: construction, destructuring, to, dispose and scope', () => {
    const kept = fl.scope(() => R.packSequence([fl.ones([3, 2], { device: DEVICE }), fl.ones([2, 2], { device: DEVICE })]));
    expect(kept.data.isDisposed).toBe(false);   // scope keeps the tensors of a returned PackedSequence
    const [data, batchSizes, sortedIndices] = kept;
    expect(data).toBe(kept.data);
    expect(batchSizes).toBe(kept.batchSizes);
    expect(sortedIndices).toBeNull();
    expect(kept.isCuda).toBe(DEVICE !== 'cpu');
    const c = kept.to('cpu');
    expect(c).toBeInstanceOf(R.PackedSequence);
    expect(c.data.device).toBe('cpu');
    const d = kept.to('float64');
    expect(d.data.dtype).toBe('float64');
    kept.dispose();
    expect(c.data.isDisposed).toBe(false);   // its own tensor objects
    expect(fl.scope(() => vals(c.data))).toEqual(new Array(10).fill(1));
    c.dispose(); d.dispose();
    expect(data.isDisposed).toBe(true);
    fl.scope(() => {
      const x = fl.zeros([3, 2], { device: DEVICE });
      const p = new R.PackedSequence(x, fl.tensor([2, 1], { dtype: 'int32' }), fl.tensor([1, 0], { dtype: 'int32', device: DEVICE }));
      expect(ints(p.unsortedIndices!)).toEqual([1, 0]);
      expect(() => new R.PackedSequence(x, fl.tensor([1, 2], { dtype: 'int32' }))).toThrow(/non-increasing/);
      expect(() => new R.PackedSequence(x, fl.tensor([2, 2], { dtype: 'int32' }))).toThrow(fl.ShapeError);
      expect(() => new R.PackedSequence(x, fl.tensor([2, 1], { dtype: 'int32' }), fl.tensor([0], { dtype: 'int32', device: DEVICE }))).toThrow(fl.ShapeError);
      expect(() => new R.PackedSequence(x, [2, 1] as any)).toThrow(fl.ValueError);
      expect({} instanceof R.PackedSequence).toBe(false);
    });
  });
});

// ---- nn.LSTM / nn.GRU / nn.RNN on packed input -------------------------------------------------------
// The goldens: torch 1.13 in float64 (torch.set_default_dtype(torch.float64)), I = 3, H = 2, with
//   parameter p of state_dict() (in order), element k: 0.4·sin(0.37·k + 1.3·p)
//   input x, h0, c0 and the loss weights: wave(shape, a, b)[k] = cos(a·k + b), x: (0.61, 0.2),
//     h0: (0.43, 1.1), c0: (0.29, -0.4)
//   packed = pack_padded_sequence(x, lens, batch_first=bf, enforce_sorted=sorted)
//   out, hN(, cN) = m(packed, h0 / (h0, c0)); padded, _ = pad_packed_sequence(out, batch_first=bf)
//   loss = Σ padded·wave(0.3, 0) + Σ hN·wave(0.7, 0.2) (+ Σ cN·wave(0.45, 0.1)); loss.backward()
// out: padded (its shape outShape), the gradients of x, h0, c0 and of the named parameters.
interface Golden { out: number[]; outShape: number[]; hN: number[]; cN?: number[]; gx: number[]; gh0?: number[]; gc0?: number[]; gw: Record<string, number[]> }
const GOLDEN: Record<string, Golden> = {
  lstm: {
    out: [-0.0723478377888, -0.125092083538, 0.318973584411, 0.354865190941, -0.138486661635, -0.136366897723, 0.220566958919, 0.253631876707, -0.0936708779756, -0.0313658052695, 0.417958950393, 0.436233806818, 0.114869693188, -0.0523348879141, 0.217320054372, 0.290745537688, 0, 0, 0, 0, 0.0207127036203, 0.011050874845, 0.428582093229, 0.434205192919, 0.21211562485, 0.0438582507791, 0.0215139658222, 0.198812900143, 0, 0, 0, 0, 0.110346817048, 0.0389295355184, 0.437740881426, 0.42156294897, 0, 0, 0, 0, 0, 0, 0, 0, 0.187470192714, 0.0658141515861, 0.412047991975, 0.404543052141], outShape: [4, 3, 4],
    hN: [-0.313750656358, -0.228712754432, 0.113316002478, 0.0988917565435, -0.00242302513269, -0.0563780054534, -0.150326772088, -0.338699388492, 0.0171089255014, -0.0144199137745, -0.0644029897271, -0.0261764901205, 0.21211562485, 0.0438582507791, -0.138486661635, -0.136366897723, 0.187470192714, 0.0658141515861, 0.318973584411, 0.354865190941, 0.220566958919, 0.253631876707, 0.417958950393, 0.436233806818],
    cN: [-0.651820940798, -0.422280442127, 0.447351417237, 0.494032585955, -0.00848318577262, -0.173114635796, -0.513410989494, -0.914158674439, 0.0430277529803, -0.0679677205222, -0.162318833362, -0.0797192581399, 0.561536169413, 0.120936461471, -0.328162276137, -0.409967900631, 0.454130220557, 0.167893038918, 0.553877841246, 0.867035422431, 0.436380730349, 0.419445046419, 0.767080110935, 1.01117414782],
    gx: [0.158407706483, 0.220182027465, 0.252155743951, 0.0763241727737, 0.110579754602, 0.129868885399, -0.0515332667785, -0.0695958402997, -0.0782389433253, 0.0140479873968, 0.044320596964, 0.0685946216496, 0, 0, 0, 0.0154266690684, 0.012817323394, 0.0084732131269, -0.328434376204, -0.264433547986, -0.164642879561, 0, 0, 0, 0.0582878559401, 0.0536567946607, 0.0417635379394, 0, 0, 0, 0, 0, 0, 0.218950941067, 0.208446682548, 0.169730143413],
    gh0: [0.000194443362701, -0.0033354063305, 0.00405513121405, -0.0238809297207, 0.00733250710993, 0.00870267738643, 0.0334925582628, 0.0738829154415, 0.0571242044943, 0.105703757751, -0.00326742093121, 0.00180657299407, 0.0270452318505, 0.00798411374763, 0.0486760412485, -0.0578662980026, 0.010093430557, 0.0062078966756, -0.073425346827, -0.0624479012726, -0.691489743391, -0.715161217438, -0.0502497377538, -0.074789619263],
    gc0: [0.0578296281847, -0.0155793310476, 0.135850488794, -0.00736363801032, -0.000845592548201, -0.0436574514843, -0.283027010872, -0.109045016148, -0.158691364773, -0.111530162504, -0.0223276602588, -0.00097858519032, 0.265039083598, 0.215380897852, 0.579518310346, 0.561402435354, 0.0813425290779, -0.0574084093037, 0.023243207243, -0.146982955781, -0.701186553197, -0.967967426864, -0.149010260754, -0.178518252456],
    gw: {weight_hh_l0: [0.0389578152576, 0.0524513525004, 0.0519563320864, 0.0500504806111, 0.0197871466535, -0.0140357170169, 0.0362938341144, 0.0493706192437, -0.110793870043, -0.147297035488, -0.129792585978, -0.134212424584, 0.0345552699838, 0.0406579159255, 0.0377746503838, 0.0509086601008], bias_ih_l1_reverse: [-0.44127082508, -0.470918094082, -0.698462580755, -0.909806663278, -1.16524879213, -2.04443393918, -0.0662733269891, -0.243750842903], weight_ih_l1: [-0.0160429840548, -0.0282802555666, -0.0258787152935, -0.0603223975492, -0.0159121782326, -0.016650124294, -0.00932534337712, -0.0236812988433, -0.0310064348719, -0.0164430471151, 0.000513544612175, 0.0128057954604, 0.00354166204862, 0.00943342063619, 0.00792174248591, 0.0294624174845, -0.0527675468335, -0.0877755360793, -0.0725583617332, -0.167614267641, -0.107568044178, -0.135633972412, -0.0870993281747, -0.233706719772, 0.0237193742187, 0.0252111002546, -0.00108538402651, 0.0212366206472, 0.00504489087089, 0.0105777940292, 0.00530985280468, 0.0197604642339]},
  },
  gru: {
    out: [0.247058106275, 0.177309885959, 0.415423522387, 0.610997650905, 0.256242360733, 0.179032563787, 0.375293415304, 0.487972674575, 0.37187333218, 0.219496393284, 0.325269462268, 0.505408467563, 0.537830513175, 0.316411903889, 0.183008917525, 0.394583675246, 0.139508247951, 0.110917745553, 0.247050941371, 0.264317170684, 0.155824532303, 0.114614684605, 0.146109934209, 0.0868500127991, 0, 0, 0, 0, 0, 0, 0, 0, 0.0223495033386, 0.0241975677828, 0.279763447328, 0.276450842699, 0.240614619526, 0.141550857599, 0.184570121099, 0.285356834879, 0, 0, 0, 0, 0, 0, 0, 0, 0.0656450388999, 0.0498171980801, 0.152098429706, 0.108847168036, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], outShape: [4, 4, 4],
    hN: [-0.461414843266, -0.564886254173, 0.301315976474, -0.135419379677, -0.186682446997, -0.266062114187, 0.1871385628, -0.044127628395, 0.0352106143283, -0.130853348837, 0.0954820132578, 0.0902640981513, 0.222345492535, 0.344859564087, 0.0538134123722, 0.251722955315, 0.537830513175, 0.316411903889, 0.155824532303, 0.114614684605, 0.240614619526, 0.141550857599, 0.0656450388999, 0.0498171980801, 0.415423522387, 0.610997650905, 0.247050941371, 0.264317170684, 0.279763447328, 0.276450842699, 0.152098429706, 0.108847168036],
    gx: [0.0726455651944, 0.0310463497746, -0.0147548434422, -0.195931719258, -0.233058885138, -0.238642624244, -0.317278425351, -0.336242320006, -0.309697394032, -0.0403803845373, -0.051015574663, -0.054746046083, 0.377193916148, 0.363983470057, 0.301509568816, 0.543454486696, 0.508766984317, 0.405220257344, 0, 0, 0, 0, 0, 0, 0.131709866864, 0.174093316364, 0.192914052203, 0.286306898578, 0.269967853794, 0.217089926475, 0, 0, 0, 0, 0, 0, -0.240240435082, -0.156394190478, -0.0513807258707, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    gw: {weight_hh_l0_reverse: [0.000624989126916, 0.0016436249681, 0.00423433876097, 0.0138338959984, 0.0158653184354, 0.0203879927732, 0.0229205305012, 0.0282022303075, -0.0170127055034, -0.0311866655389, -0.0223268436811, -0.0736240366361], bias_hh_l1: [-0.00445465028799, 0.00783470115848, -0.0355440427522, -0.053694775043, 0.0264086453216, -0.107844800299], weight_ih_l0: [0.0019592977023, -0.00238941692519, -0.00587625939538, 0.00829749156219, 0.00328177295673, -0.00291769416418, 0.159780404773, 0.1811355723, 0.13715442082, -0.0924373516492, -0.00863230660991, 0.0782864456447, -0.0205174926719, 0.0855022316139, 0.160680961999, 0.151154716688, 0.39267611002, 0.492557673778]},
  },
  rnn: {
    out: [0.103122149742, -0.16601958555, 0.785489685378, 0.455527549266, 0.839877252165, 0.760261485821, 0.117221593017, 0.261167791658, 0.822773393354, 0.709952517532, 0, 0, 0, 0, 0.771286414243, 0.752316148097, 0, 0, 0, 0, 0.596444385654, 0.726396602828, 0, 0], outShape: [4, 3, 2],
    hN: [0.534301944306, 0.73589960895, -0.0791269254684, 0.383658514643, -0.64579571175, -0.809123094034, 0.117221593017, 0.261167791658, 0.596444385654, 0.726396602828, 0.839877252165, 0.760261485821],
    gx: [0.0530634063224, 0.0624603207605, 0.0634035237982, -0.00697014343933, -0.0209084406321, -0.0320168784712, -0.114173180411, -0.219060452146, -0.294298919341, 0.124554841812, 0.260677698576, 0.361519051732, -0.02656849225, -0.0393449437995, -0.0467962417811, 0, 0, 0, 0, 0, 0, -0.144585864806, -0.213590884176, -0.253687379374, 0, 0, 0, 0, 0, 0, -0.295596807779, -0.411317840474, -0.471368933041, 0, 0, 0],
    gh0: [0.0620645515518, 0.0491035595194, -0.0420033948118, -0.0414084190175, -0.35914758892, -0.338641533005, 0.330001720302, 0.499923020352, 0.128528172781, 0.183208408069, 0.0280204698651, 0.0673911195652],
    gw: {weight_hh_l1: [0.0217500908311, 0.667026227148, -0.182840459863, 0.31525348864], bias_hh_l0: [-0.863622576689, -1.14512906826]},
  },
  rnnRelu: {
    out: [0.262405778388, 0.563101194239, 0.106706859553, 0.936490536276, 0, 0, 1.09928686344, 0.144736067339, 0, 0, 0.608173221305, 0, 0, 0.382980663814, 0.0492310671405, 1.20336234396, 0, 0, 0.722683653026, 0.558371785308, 0, 0, 1.20178669119, 0.146668484621, 0, 0, 0.396545508666, 1.30455948466, 0, 0, 0, 0, 0, 0, 0, 0], outShape: [3, 3, 4],
    hN: [0, 0, 0, 0, 0, 0, 0.106706859553, 0.936490536276, 0.0492310671405, 1.20336234396, 0.396545508666, 1.30455948466],
    gx: [0.169944850578, 0.54417545822, 0.844754470433, -0.0509735201959, -0.0380599942296, -0.0199952265918, 0.345706464389, 0.256014381939, 0.131671953911, -0.391551093497, -0.274229351941, -0.119791954068, -0.311705892633, -0.0519941999706, 0.214754663742, -0.488630566576, -0.142960512042, 0.222058577139, -0.237152453109, -0.218086461997, -0.169503491342, 0, 0, 0, 0, 0, 0],
    gh0: [0.726260068548, 0.653320493986, -0.258991928307, -0.193985254505, 0, 0, -0.084179046451, -0.216673951962, 0.61088876286, 0.895659154843, -0.0376753189483, 0.0343023053994],
    gw: {weight_hh_l0_reverse: [3.06258205169, 1.94405156077, 2.67673311033, 0.871098269805], weight_ih_l0: [0.980066577841, 0.689498432952, 0.150225469912, 0.334376222959, -0.0671266715905, -0.444416709586]},
  },
};
interface Config { make: () => fl.nn.LSTM | fl.nn.GRU | fl.nn.RNN; bf: boolean; lens: number[]; sorted: boolean; h0: boolean }
const CONFIGS: Record<string, Config> = {
  // torch.nn.LSTM(3, 2, num_layers=2, bidirectional=True); lengths [3, 1, 4], enforce_sorted=False, (h0, c0) given
  lstm: { make: () => new fl.nn.LSTM(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64', device: DEVICE }), bf: false, lens: [3, 1, 4], sorted: false, h0: true },
  // torch.nn.GRU(3, 2, num_layers=2, bidirectional=True, batch_first=True); lengths [4, 2, 2, 1], no h0
  gru: { make: () => new fl.nn.GRU(3, 2, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: 'float64', device: DEVICE }), bf: true, lens: [4, 2, 2, 1], sorted: true, h0: false },
  // torch.nn.RNN(3, 2, num_layers=2); lengths [2, 4, 1], enforce_sorted=False, h0 given
  rnn: { make: () => new fl.nn.RNN(3, 2, { numLayers: 2, dtype: 'float64', device: DEVICE }), bf: false, lens: [2, 4, 1], sorted: false, h0: true },
  // torch.nn.RNN(3, 2, nonlinearity='relu', bidirectional=True, batch_first=True); lengths [3, 3, 1], h0 given
  rnnRelu: { make: () => new fl.nn.RNN(3, 2, { nonlinearity: 'relu', bidirectional: true, batchFirst: true, dtype: 'float64', device: DEVICE }), bf: true, lens: [3, 3, 1], sorted: true, h0: true },
};
const wave = (shape: readonly number[], a: number, b: number): fl.Tensor => {
  const n = shape.reduce((x, y) => x * y, 1);
  return fl.tensor(Array.from({ length: n }, (_, k) => Math.cos(a * k + b)), { dtype: 'float64', device: DEVICE }).reshape([...shape]);
};
function fill(m: fl.nn.Module): void {
  const sd = m.stateDict();
  m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, t], p) => {
    const n = t.shape.reduce((x, y) => x * y, 1);
    return [k, fl.tensor(Array.from({ length: n }, (_, j) => 0.4 * Math.sin(0.37 * j + 1.3 * p)), { dtype: 'float64', device: DEVICE }).reshape(t.shape)];
  })));
}

describe.each(Object.keys(CONFIGS))('%s on a PackedSequence against torch 1.13', (name) => {
  test('output, final states and gradients', () => fl.scope(() => {
    const c = CONFIGS[name], g = GOLDEN[name];
    const m = c.make();
    fill(m);
    const B = c.lens.length, T = Math.max(...c.lens);
    const L = (m.numLayers) * (m.bidirectional ? 2 : 1);
    const x = wave(c.bf ? [B, T, 3] : [T, B, 3], 0.61, 0.2).requiresGrad_();
    const h0 = c.h0 ? wave([L, B, 2], 0.43, 1.1).requiresGrad_() : null;
    const c0 = c.h0 ? wave([L, B, 2], 0.29, -0.4).requiresGrad_() : null;
    const packed = R.packPaddedSequence(x, c.lens, c.bf, c.sorted);
    let out: fl.nn.utils.rnn.PackedSequence, hN: fl.Tensor, cN: fl.Tensor | null = null;
    if (m instanceof fl.nn.LSTM) [out, [hN, cN]] = m.forward(packed, h0 && c0 ? [h0, c0] : null);
    else [out, hN] = m.forward(packed, h0);
    expect(out).toBeInstanceOf(R.PackedSequence);
    expect(ints(out.batchSizes)).toEqual(ints(packed.batchSizes));
    const [padded] = R.padPackedSequence(out, c.bf);
    expect(padded.shape).toEqual(g.outShape);
    near(vals(padded), g.out, 1e-9, 'out');
    near(vals(hN), g.hN, 1e-9, 'hN');
    if (g.cN) near(vals(cN!), g.cN, 1e-9, 'cN');
    let loss = padded.mul(wave(padded.shape, 0.3, 0)).sum().add(hN.mul(wave(hN.shape, 0.7, 0.2)).sum());
    if (cN) loss = loss.add(cN.mul(wave(cN.shape, 0.45, 0.1)).sum());
    loss.backward();
    near(vals(x.grad!), g.gx, 1e-9, 'grad x');
    if (g.gh0) near(vals(h0!.grad!), g.gh0, 1e-9, 'grad h0');
    if (g.gc0) near(vals(c0!.grad!), g.gc0, 1e-9, 'grad c0');
    const params = m.stateDict() as Record<string, fl.Tensor>;
    for (const [k, want] of Object.entries(g.gw)) near(vals((m as unknown as Record<string, fl.Tensor>)[k].grad!), want, 1e-9, `grad ${k}`);
    expect(Object.keys(params).length).toBeGreaterThan(0);
  }));
});

describe('recurrent layers on packed input: consistency and refusals', () => {
  test('full-length sequences give what the padded (fused) path gives, dropout between layers in eval mode too', () => fl.scope(() => {
    for (const make of [() => new fl.nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, dropout: 0.5, device: DEVICE }), () => new fl.nn.GRU(3, 4, { numLayers: 2, device: DEVICE })]) {
      const m = make().eval();
      const x = fl.randn([5, 2, 3], { device: DEVICE });
      const [y, hy] = (m as fl.nn.LSTM).forward(x);
      const [py, phy] = (m as fl.nn.LSTM).forward(R.packPaddedSequence(x, [5, 5]));
      const [pp] = R.padPackedSequence(py);
      vals(pp).forEach((v, i) => expect(v).toBeCloseTo(vals(y)[i], 5));
      const h = Array.isArray(hy) ? hy[0] : hy as fl.Tensor;
      const ph = Array.isArray(phy) ? phy[0] : phy as fl.Tensor;
      vals(ph).forEach((v, i) => expect(v).toBeCloseTo(vals(h)[i], 5));
    }
  }));
  test('training with dropout runs and gives gradients', () => fl.scope(() => {
    const m = new fl.nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5, device: DEVICE });
    const [out] = m.forward(R.packPaddedSequence(fl.randn([4, 3, 3], { device: DEVICE }), [4, 2, 1]));
    out.data.sum().backward();
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
  }));
  test('refuses bad states and data', () => fl.scope(() => {
    const lstm = new fl.nn.LSTM(3, 2, { device: DEVICE });
    const p = R.packPaddedSequence(fl.randn([4, 3, 3], { device: DEVICE }), [4, 2, 1]);
    expect(() => lstm.forward(p, [fl.zeros([1, 2, 2], { device: DEVICE }), fl.zeros([1, 3, 2], { device: DEVICE })])).toThrow(/LSTM: expected h0 of shape \[1, 3, 2\]/);
    expect(() => new fl.nn.GRU(4, 2, { device: DEVICE }).forward(p)).toThrow(fl.ShapeError);
    expect(() => new fl.nn.RNN(3, 2, { dtype: 'float64', device: DEVICE }).forward(p)).toThrow(fl.DTypeError);
    const flat = new R.PackedSequence(fl.zeros([7], { device: DEVICE }), fl.tensor([3, 2, 1, 1], { dtype: 'int32' }));
    expect(() => new fl.nn.RNN(1, 2, { device: DEVICE }).forward(flat)).toThrow(fl.ShapeError);
  }));
});
