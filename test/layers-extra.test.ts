// layers-extra.test.ts — the extra torch.nn layers: lib/nn/shuffle.ts (PixelShuffle, PixelUnshuffle,
// ChannelShuffle, Unflatten, Unfold, Fold and their F forms) and lib/nn/extra-layers.ts (InstanceNorm1d/2d,
// LocalResponseNorm, the padding modules, the channel-wise and alpha dropouts, Bilinear, ConvTranspose1d,
// EmbeddingBag, ParameterList, ParameterDict). References: PyTorch 1.13 golden values (GOLD, made by the
// torch call beside each; float64, tolerance 1e-9 relative), modules with weights copied from torch,
// finite differences (fl.gradcheck in float64), torch's repr strings and state-dict names, and for the
// random dropouts the mask structure and the scaling statistics (tolerances several standard errors wide).
// Runs on DEVICE (the CPU, or the emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE } from './helpers';

// torch 1.13 golden values (float64 unless the call says otherwise), made by the call beside each.
const GOLD: Record<string, { values: number[]; shape: number[] }> = {
  // F.unfold(x, (2, 3), dilation=1, padding=1, stride=(2, 1)), x = torch.arange(24.).reshape(1, 2, 3, 4).sin()
  unfold: { shape: [1, 12, 8], values: [0.0, 0.0, 0.0, 0.0, 0.0, -0.756802495308, -0.958924274663, -0.279415498199, 0.0, 0.0, 0.0, 0.0, -0.756802495308, -0.958924274663, -0.279415498199, 0.656986598719, 0.0, 0.0, 0.0, 0.0, -0.958924274663, -0.279415498199, 0.656986598719, 0.0, 0.0, 0.0, 0.841470984808, 0.909297426826, 0.0, 0.989358246623, 0.412118485242, -0.544021110889, 0.0, 0.841470984808, 0.909297426826, 0.14112000806, 0.989358246623, 0.412118485242, -0.544021110889, -0.999990206551, 0.841470984808, 0.909297426826, 0.14112000806, 0.0, 0.412118485242, -0.544021110889, -0.999990206551, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.287903316665, -0.96139749188, -0.750987246772, 0.0, 0.0, 0.0, 0.0, -0.287903316665, -0.96139749188, -0.750987246772, 0.149877209663, 0.0, 0.0, 0.0, 0.0, -0.96139749188, -0.750987246772, 0.149877209663, 0.0, 0.0, -0.536572918, 0.420167036827, 0.990607355695, 0.0, 0.912945250728, 0.836655638536, -0.00885130929, -0.536572918, 0.420167036827, 0.990607355695, 0.650287840157, 0.912945250728, 0.836655638536, -0.00885130929, -0.846220404175, 0.420167036827, 0.990607355695, 0.650287840157, 0.0, 0.836655638536, -0.00885130929, -0.846220404175, 0.0] },
  // F.fold(c, (3, 4), 2, stride=(1, 2)), c = torch.arange(32.).reshape(1, 8, 4).cos()
  fold: { shape: [1, 2, 3, 4], values: [1.0, -0.653643620864, 0.540302305868, 0.283662185463, -0.561646870356, 1.804024245383, -1.901122758485, 1.661349035794, -0.839071529076, 0.136737218208, 0.004425697988, -0.759687912859, -0.957659480323, 0.408082061813, -0.275163338052, -0.547729260224, 1.084495715581, -1.962566692708, 1.97990743005, -1.280890550022, 0.646919322329, 0.154251449888, -0.292138808734, 0.914742357805] },
  // F.instance_norm(y), y = (torch.arange(24.).reshape(2, 3, 4) * 0.37).sin()
  instanceNorm: { shape: [2, 3, 4], values: [-1.431838895803, -0.359620016421, 0.567479067644, 1.22397984458, 0.946254830468, 0.76066272715, -0.122685304693, -1.584232252925, 1.398136934888, 0.399175392565, -0.530952896278, -1.266359431175, -0.652576792154, -0.904827167693, -0.098854016514, 1.656257976362, -1.367153419862, -0.433115633593, 0.498542792475, 1.301726260981, -0.168695043944, 1.096259316739, 0.616234917714, -1.543799190508] },
  // m = nn.InstanceNorm1d(3, affine=True, track_running_stats=True); m(y); m.running_mean
  inRunningMean: { shape: [3], values: [-0.019858203297, 0.049707401303, 0.028872304945] },
  // m.running_var
  inRunningVar: { shape: [3], values: [0.9086617533, 0.912334036416, 0.909438594619] },
  // m.eval(); m(y)
  inEval: { shape: [2, 3, 4], values: [0.02083226246, 0.400185191611, 0.728194481425, 0.960465613289, 0.990584288671, 0.954354351046, 0.78191358701, 0.49660104502, 0.159098138992, -0.226673240862, -0.585863117776, -0.869856826945, -0.989540933403, -1.023224793017, -0.915600428064, -0.681234291454, -0.423968743414, -0.044906032477, 0.333191057218, 0.659148858313, 0.912112054457, 1.014631327044, 0.975727352528, 0.800665601353] },
  // F.local_response_norm(z, 3, alpha=0.5, beta=0.75, k=1.5), z = torch.arange(30.).reshape(2, 5, 3).sin()
  lrn: { shape: [2, 5, 3], values: [0.0, 0.561864583648, 0.587318166696, 0.103274479546, -0.489981000862, -0.580173527097, -0.201664940047, 0.438057647392, 0.592041394245, 0.291150019038, -0.373565635661, -0.596084350361, -0.38141804925, 0.298323165746, 0.629542657529, 0.443759308508, -0.210565671199, -0.620476318771, -0.487089481966, 0.109615936206, 0.561405276634, 0.528003037192, -0.006508674056, -0.532346902189, -0.558303475052, -0.09691364105, 0.492826666658, 0.61822821058, 0.198370146243, -0.451678343906] },
  // F.local_response_norm(z4, 2), z4 = torch.arange(48.).reshape(1, 4, 3, 4).cos()
  lrn4d: { shape: [1, 4, 3, 4], values: [0.999962501641, 0.540296391121, -0.416144134034, -0.989956112775, -0.653633148463, 0.283661329541, 0.960137092731, 0.753886186204, -0.145499918298, -0.911101898575, -0.839049376979, 0.004425697985, 0.843799784534, 0.90740882754, 0.136736234348, -0.759643553596, -0.957611204137, -0.275161726509, 0.660283084972, 0.988647305419, 0.408079189431, -0.547706047941, -0.99989693506, -0.532827347119, 0.424164818827, 0.991135690087, 0.646908716249, -0.29213155144, -0.962539317531, -0.74803970851, 0.154248790193, 0.914680127434, 0.834196380877, -0.01327659777, -0.848515546338, -0.903654910246, -0.127962747651, 0.76536903888, 0.955025988518, 0.266641368075, -0.666903764342, -0.987282468765, -0.399982558385, 0.555089469528, 0.999779737755, 0.525316549053, -0.432163248458, -0.99226844009] },
  // torch.manual_seed(0); b = nn.Bilinear(3, 2, 2).double(); b.weight
  bilinearW: { shape: [2, 3, 2], values: [-0.004322517663, 0.30971583724, -0.475185334682, -0.424894601107, -0.222368970513, 0.154820725322, -0.011439144611, 0.457774937153, -0.051236398518, 0.152774125338, -0.174482792616, -0.11348707974] },
  // b.bias
  bilinearB: { shape: [2], values: [-0.55157071352, -0.38236874342] },
  // b(x1, x2), x1 = torch.arange(6.).reshape(2, 3).cos(), x2 = torch.arange(4.).reshape(2, 2).sin()
  bilinear: { shape: [2, 2], values: [-0.538346029776, 0.112034536866, -0.320485435716, -0.469213350403] },
  // ct = nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1).double(); ct.weight
  ctW: { shape: [2, 3, 3], values: [-0.137407705188, 0.012347857468, 0.131778404117, 0.200007602572, -0.225980371237, -0.145154282451, 0.121072374284, 0.276795983315, -0.068600058556, 0.249437257648, -0.053727786988, 0.035271368921, 0.301825404167, -0.309223473072, -0.209845989943, -0.084388419986, -0.129933327436, 0.288000285625] },
  // ct.bias
  ctB: { shape: [3], values: [-0.21605989337, -0.153444290161, -0.232880160213] },
  // ct(xx), xx = torch.arange(16.).reshape(2, 2, 4).cos()
  ct: { shape: [2, 3, 8], values: [-0.168593210674, -0.110822176864, -0.224628858984, 0.161829460838, -0.272786239826, 0.087051369008, -0.268789679343, -0.319928360116, -0.177302710803, 0.032246942713, -0.363257011989, -0.084825602052, -0.356310464328, -0.264985852214, -0.162849691703, -0.167946004568, 0.128845913718, -0.448251888912, -0.120183823798, -0.319661278558, -0.472826053288, -0.111284508208, -0.604863135252, 0.052157447608, -0.263194912792, 0.146077583709, -0.276065507355, -0.154718044992, -0.233767217149, -0.511911086198, -0.175188895122, -0.242271914591, -0.381503590391, -0.217746194234, -0.228150580723, -0.338163817719, -0.006112952039, -0.288751159445, 0.08046892383, 0.005330762944, -0.382798737871, -0.166759372429, -0.602984936764, -0.022159058665, -0.482898510921, -0.071294753874, -0.132946366455, -0.451974099243] },
  // F.conv_transpose1d(xx, ct.weight[:, :1], None, 1, 0, 0, 2, 2) (groups 2, dilation 2)
  ctDil: { shape: [2, 2, 8], values: [-0.137407705188, -0.074241699957, 0.069529639299, 0.142704172973, 0.126639882293, 0.058975889366, -0.054839165998, -0.130459631289, -0.163043072267, 0.07075591764, 0.274621068405, 0.172810769381, -0.074642729928, -0.030500346139, 0.033866520407, 0.026591164543, 0.01999282575, 0.125196318413, 0.11349827962, -0.011858631613, -0.029534497901, -0.120012643966, -0.110571507041, 0.000583211418, 0.210488617321, 0.226351036626, -0.011231049016, -0.238249577028, 0.022417296161, 0.072823240564, 0.004822908869, -0.026795232639] },
  // F.embedding_bag(idx, W, off, mode='sum'), W = torch.arange(10.).reshape(5, 2).sin(), idx = [1, 2, 4, 0, 4, 3, 2], off = [0, 3, 3, 5]
  eb_sum: { shape: [4, 2], values: [1.141853178141, -0.405685781362, 0.0, 0.0, 0.989358246623, 1.25358947005, -1.036217993507, -0.301937675944] },
  // F.embedding_bag(idx, W, off, mode='mean'), W = torch.arange(10.).reshape(5, 2).sin(), idx = [1, 2, 4, 0, 4, 3, 2], off = [0, 3, 3, 5]
  eb_mean: { shape: [4, 2], values: [0.380617726047, -0.135228593787, 0.0, 0.0, 0.494679123312, 0.626794735025, -0.518108996753, -0.150968837972] },
  // F.embedding_bag(idx, W, off, mode='max'), W = torch.arange(10.).reshape(5, 2).sin(), idx = [1, 2, 4, 0, 4, 3, 2], off = [0, 3, 3, 5]
  eb_max: { shape: [4, 2], values: [0.989358246623, 0.412118485242, 0.0, 0.0, 0.989358246623, 0.841470984808, -0.279415498199, 0.656986598719] },
  // F.embedding_bag(idx, W, off, mode='sum', per_sample_weights=torch.arange(7.) * 0.5)
  eb_psw: { shape: [4, 2], values: [0.610956998969, -0.06734365209, 0.0, 0.0, 1.978716493247, 2.086443447695, -2.968946231421, -1.234306327192] },
  // F.embedding_bag(idx, W, off, mode='mean', padding_idx=4)
  eb_pad: { shape: [4, 2], values: [0.076247465759, -0.408902133302, 0.0, 0.0, 0.0, 0.841470984808, -0.518108996753, -0.150968837972] },
  // F.embedding_bag(torch.tensor([[1, 2], [4, 4]]), W, mode='max', padding_idx=4)
  eb_2d: { shape: [2, 2], values: [0.909297426826, 0.14112000806, 0.0, 0.0] },
  // F.embedding_bag(idx, W, torch.tensor([0, 3, 5]), mode='sum', include_last_offset=True)
  eb_last: { shape: [2, 2], values: [1.141853178141, -0.405685781362, 0.989358246623, 1.25358947005] },
  // F.pixel_shuffle(torch.arange(8.).reshape(1, 8, 1, 1), 2)
  pixelShuffle: { shape: [1, 2, 2, 2], values: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0] },
  // F.pixel_unshuffle(torch.arange(16.).reshape(1, 1, 4, 4), 2)
  pixelUnshuffle: { shape: [1, 4, 2, 2], values: [0.0, 2.0, 8.0, 10.0, 1.0, 3.0, 9.0, 11.0, 4.0, 6.0, 12.0, 14.0, 5.0, 7.0, 13.0, 15.0] },
  // F.channel_shuffle(torch.arange(6.).reshape(1, 6, 1), 3)
  channelShuffle: { shape: [1, 6, 1], values: [0.0, 2.0, 4.0, 1.0, 3.0, 5.0] },
};

const F = fl.nn.functional;
const nn = fl.nn;
const on = (v: number[], shape: number[], dtype: fl.DType = 'float64'): fl.Tensor => fl.tensor(v, { dtype, device: DEVICE }).reshape(shape);
const gold = (k: string): fl.Tensor => on(GOLD[k].values, GOLD[k].shape);
const vals = (t: fl.Tensor): number[] => Array.from(t.to('float64').dataSync() as ArrayLike<number>);
/** Values within 1e-9 relative (the goldens are printed to 12 decimals). */
function near(got: fl.Tensor | number[], want: number[] | string, tol = 1e-9): void {
  const g = Array.isArray(got) ? got : vals(got);
  const w = typeof want === 'string' ? GOLD[want].values : want;
  if (!Array.isArray(got) && typeof want === 'string') expect(got.shape).toEqual(GOLD[want].shape);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => { if (!(Math.abs(v - w[i]) <= tol * Math.max(1, Math.abs(w[i])))) throw new Error(`[${i}]: expected ${w[i]}, got ${v}`); });
}
const sinT = (shape: number[], f = Math.sin, scale = 1): fl.Tensor => on(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i * scale)), shape);
const leaf = (t: fl.Tensor): fl.Tensor => t.requiresGrad_(true);

describe('shuffles, unflatten, unfold and fold', () => {
  test('pixelShuffle, pixelUnshuffle, channelShuffle against torch; the round trip', () => fl.scope(() => {
    near(F.pixelShuffle(on([0, 1, 2, 3, 4, 5, 6, 7], [1, 8, 1, 1]), 2), 'pixelShuffle');
    near(F.pixelUnshuffle(on(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]), 2), 'pixelUnshuffle');
    near(F.channelShuffle(on([0, 1, 2, 3, 4, 5], [1, 6, 1]), 3), 'channelShuffle');
    const x = sinT([2, 3, 8, 6, 4]);
    near(F.pixelShuffle(F.pixelUnshuffle(x, 2), 2), vals(x), 0);
    expect(new nn.PixelShuffle(2).forward(sinT([2, 12, 8, 4])).shape).toEqual([2, 3, 16, 8]);
  }));
  test('Unflatten: sizes with -1, negative dims; refusals', () => fl.scope(() => {
    const x = sinT([2, 6, 3]);
    expect(new nn.Unflatten(1, [2, 3]).forward(x).shape).toEqual([2, 2, 3, 3]);
    expect(new nn.Unflatten(-2, [-1, 2]).forward(x).shape).toEqual([2, 3, 2, 3]);
    expect(() => new nn.Unflatten(1, [4, 2]).forward(x)).toThrow(fl.ShapeError);
    expect(() => new nn.Unflatten(3, [1]).forward(x)).toThrow(/Unflatten: dim 3 is out of range for input of shape \[2, 6, 3\]/);
  }));
  test('unfold and fold against torch', () => fl.scope(() => {
    near(F.unfold(sinT([1, 2, 3, 4]), [2, 3], { padding: 1, stride: [2, 1] }), 'unfold');
    near(F.fold(sinT([1, 8, 4], Math.cos), [3, 4], 2, { stride: [1, 2] }), 'fold');
    // unbatched [C, H, W] and [C·k, L] forms (torch 1.13 takes both)
    expect(F.unfold(sinT([2, 3, 4]), 2).shape).toEqual([8, 6]);
    expect(F.fold(sinT([8, 6]), [3, 4], 2).shape).toEqual([2, 3, 4]);
  }));
  test('fold(unfold(x)) multiplies each pixel by the number of blocks that cover it (col2im is im2col\'s adjoint)', () => fl.scope(() => {
    const x = sinT([2, 3, 5, 6]);
    const o = { dilation: [1, 2] as [number, number], padding: 1, stride: [2, 1] as [number, number] };
    const back = F.fold(F.unfold(x, [2, 2], o), [5, 6], [2, 2], o);
    const count = F.fold(F.unfold(fl.onesLike(x), [2, 2], o), [5, 6], [2, 2], o);
    near(back, vals(x.mul(count)), 1e-12);
  }));
  test('gradients: unfold, fold, pixelShuffle, channelShuffle (finite differences)', () => fl.scope(() => {
    expect(fl.gradcheck((t: fl.Tensor) => F.unfold(t, [2, 3], { dilation: [2, 1], padding: [1, 0], stride: 2 }), [leaf(sinT([1, 2, 4, 5]))])).toBe(true);
    expect(fl.gradcheck((t: fl.Tensor) => F.fold(t, [4, 5], 2, { stride: [1, 2] }), [leaf(sinT([2, 8, 6], Math.cos))])).toBe(true);
    expect(fl.gradcheck((t: fl.Tensor) => F.pixelShuffle(t, 2), [leaf(sinT([1, 4, 2, 3]))])).toBe(true);
    expect(fl.gradcheck((t: fl.Tensor) => F.channelShuffle(t, 2), [leaf(sinT([1, 4, 3]))])).toBe(true);
  }));
  test('refusals name the op and the shapes', () => fl.scope(() => {
    expect(() => F.pixelShuffle(sinT([1, 3, 2, 2]), 2)).toThrow(new fl.ShapeError('pixelShuffle: the channels (dim -3) of input [1, 3, 2, 2] must be divisible by upscaleFactor² = 4'));
    expect(() => F.pixelUnshuffle(sinT([1, 1, 3, 4]), 2)).toThrow(/pixelUnshuffle: the height and width of input \[1, 1, 3, 4\] must be divisible by downscaleFactor = 2/);
    expect(() => F.channelShuffle(sinT([1, 5, 2]), 2)).toThrow(fl.ShapeError);
    expect(() => F.fold(sinT([1, 8, 5]), [3, 4], 2, { stride: [1, 2] })).toThrow(/fold: dim -1 of input \[1, 8, 5\] must be the number of sliding blocks, 2 x 2 = 4/);
    expect(() => F.fold(sinT([1, 6, 4]), [3, 4], 2)).toThrow(/fold: dim -2 of input \[1, 6, 4\] must be a non-zero multiple of kh·kw = 4/);
    expect(() => F.unfold(sinT([1, 1, 2, 2]), 3)).toThrow(fl.ShapeError);
    expect(() => F.unfold(fl.ones([1, 1, 3, 3], { dtype: 'int32', device: DEVICE }), 2)).toThrow(fl.DTypeError);
    expect(() => new nn.PixelShuffle(0)).toThrow(/PixelShuffle: upscaleFactor must be a positive integer, got 0/);
  }));
});

describe('InstanceNorm and LocalResponseNorm', () => {
  const y = () => sinT([2, 3, 4], Math.sin, 0.37);
  test('F.instanceNorm and InstanceNorm1d against torch: output, running stats, eval', () => fl.scope(() => {
    near(F.instanceNorm(y()), 'instanceNorm');
    const m = new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true, dtype: 'float64', device: DEVICE });
    near(m.forward(y()), 'instanceNorm');
    near(m.runningMean!, 'inRunningMean');
    near(m.runningVar!, 'inRunningVar');
    m.eval();
    near(m.forward(y()), 'inEval');
    // unbatched [C, L] is one instance of each channel
    near(m.train().forward(y().select(0, 1)), GOLD.instanceNorm.values.slice(12));
  }));
  test('parameters, buffers and state-dict names as torch\'s; defaults', () => fl.scope(() => {
    const m = new nn.InstanceNorm2d(4, { affine: true, trackRunningStats: true });
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(vals(m.weight!)).toEqual([1, 1, 1, 1]);
    expect(vals(m.bias!)).toEqual([0, 0, 0, 0]);
    expect(Object.keys(new nn.InstanceNorm2d(4).stateDict())).toEqual([]);
    expect(String(new nn.InstanceNorm1d(3))).toBe('InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)');
    expect(String(new nn.InstanceNorm2d(4, { affine: true, trackRunningStats: true }))).toBe('InstanceNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    expect(String(new nn.InstanceNorm2d(4, 1e-3, null))).toBe('InstanceNorm2d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)');
  }));
  test('local response norm against torch (3-D and 4-D)', () => fl.scope(() => {
    near(F.localResponseNorm(sinT([2, 5, 3]), 3, 0.5, 0.75, 1.5), 'lrn');
    near(new nn.LocalResponseNorm(2).forward(sinT([1, 4, 3, 4], Math.cos)), 'lrn4d');
    expect(String(new nn.LocalResponseNorm(3))).toBe('LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)');
    expect(String(new nn.LocalResponseNorm(2, 1e-3, 0.5, 2))).toBe('LocalResponseNorm(2, alpha=0.001, beta=0.5, k=2.0)');
  }));
  test('gradients (finite differences)', () => fl.scope(() => {
    const w = leaf(on([1.5, -0.5, 2], [3])), b = leaf(on([0.1, 0.2, -0.3], [3]));
    expect(fl.gradcheck((t: fl.Tensor, ww: fl.Tensor, bb: fl.Tensor) => F.instanceNorm(t, { weight: ww, bias: bb }), [leaf(y()), w, b])).toBe(true);
    expect(fl.gradcheck((t: fl.Tensor) => F.localResponseNorm(t, 3, 0.5, 0.75, 1.5), [leaf(sinT([2, 4, 3]))])).toBe(true);
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => F.instanceNorm(sinT([2, 3, 1]))).toThrow(new fl.ValueError('instanceNorm: expected more than 1 spatial element when training, got input of shape [2, 3, 1]'));
    expect(() => new nn.InstanceNorm1d(4, { affine: true, dtype: 'float64', device: DEVICE }).forward(y())).toThrow(/InstanceNorm1d: expected input's size at dim 1 to match numFeatures \(4\), got input of shape \[2, 3, 4\]/);
    expect(() => new nn.InstanceNorm2d(3).forward(sinT([3, 4]))).toThrow(/InstanceNorm2d: expected 3D or 4D input, got shape \[3, 4\]/);
    expect(() => F.localResponseNorm(sinT([2, 3]), 2)).toThrow(fl.ShapeError);
  }));
});

describe('padding modules (F.pad underneath)', () => {
  test('outputs equal F.pad\'s; repr as torch', () => fl.scope(() => {
    const x = sinT([1, 2, 3, 4]), x3 = sinT([2, 3, 4]);
    near(new nn.ZeroPad2d([1, 2, 0, 1]).forward(x), vals(F.pad(x, [1, 2, 0, 1])), 0);
    near(new nn.ConstantPad1d(2, 3.5).forward(x), vals(F.pad(x, [2, 2], 'constant', 3.5)), 0);
    near(new nn.ConstantPad2d([1, 0, 2, 0], -1).forward(x), vals(F.pad(x, [1, 0, 2, 0], 'constant', -1)), 0);
    near(new nn.ReflectionPad1d(2).forward(x3), vals(F.pad(x3, [2, 2], 'reflect')), 0);
    near(new nn.ReflectionPad2d([1, 1, 2, 0]).forward(x), vals(F.pad(x, [1, 1, 2, 0], 'reflect')), 0);
    near(new nn.ReplicationPad1d([1, 2]).forward(x3), vals(F.pad(x3, [1, 2], 'replicate')), 0);
    near(new nn.ReplicationPad2d(1).forward(x), vals(F.pad(x, [1, 1, 1, 1], 'replicate')), 0);
    expect(String(new nn.ZeroPad2d(1))).toBe('ZeroPad2d((1, 1, 1, 1))');
    expect(String(new nn.ConstantPad1d(2, 3.5))).toBe('ConstantPad1d(padding=(2, 2), value=3.5)');
    expect(String(new nn.ConstantPad2d([1, 0, 2, 0], 1))).toBe('ConstantPad2d(padding=(1, 0, 2, 0), value=1)');
    expect(String(new nn.ReflectionPad2d([1, 1, 2, 0]))).toBe('ReflectionPad2d((1, 1, 2, 0))');
    expect(String(new nn.ReplicationPad1d([1, 2]))).toBe('ReplicationPad1d((1, 2))');
    expect(() => new nn.ReflectionPad1d(4).forward(x3)).toThrow(/ReflectionPad1d: /);
    expect(() => new nn.ZeroPad2d([1, 2])).toThrow(/ZeroPad2d: padding must be an integer or 4 integers, got \[1, 2\]/);
  }));
});

describe('dropouts: eval identity, mask structure, scaling statistics', () => {
  const big = (shape: number[]) => fl.randn(shape, { dtype: 'float64', device: DEVICE });
  test('identity in eval and at p = 0; zeros at p = 1; repr', () => fl.scope(() => {
    const x = sinT([2, 3, 4]);
    for (const m of [new nn.Dropout1d(0.3), new nn.Dropout2d(0.3), new nn.AlphaDropout(0.3), new nn.FeatureAlphaDropout(0.3)]) {
      near(m.eval().forward(x), vals(x), 0);
    }
    near(F.dropout1d(x, 0), vals(x), 0);
    near(F.alphaDropout(x, 0.5), vals(x), 0);  // torch's default training=False
    expect(vals(F.alphaDropout(x, 1, true)).every((v) => v === 0)).toBe(true);
    expect(String(new nn.Dropout1d())).toBe('Dropout1d(p=0.5, inplace=False)');
    expect(String(new nn.FeatureAlphaDropout(0.2))).toBe('FeatureAlphaDropout(p=0.2, inplace=False)');
    expect(String(new nn.AlphaDropout(1))).toBe('AlphaDropout(p=1, inplace=False)');
  }));
  test('channel-wise dropouts zero whole channels and scale the rest by 1/(1-p)', () => fl.scope(() => {
    fl.manualSeed(3);
    const x = fl.ones([8, 16, 5, 3], { dtype: 'float64', device: DEVICE });
    const y = vals(F.dropout2d(x, 0.25));
    let dropped = 0;
    for (let ch = 0; ch < 8 * 16; ch++) {
      const plane = y.slice(ch * 15, ch * 15 + 15);
      expect(plane.every((v) => v === plane[0])).toBe(true);    // one decision per channel
      expect([0, 1 / 0.75]).toContain(plane[0]);
      if (plane[0] === 0) dropped++;
    }
    // 128 channels, p = 0.25: 32 expected, sd 4.9
    expect(Math.abs(dropped - 32)).toBeLessThan(20);
    const y1 = vals(F.dropout1d(fl.ones([4, 10, 6], { dtype: 'float64', device: DEVICE }), 0.5));
    for (let ch = 0; ch < 40; ch++) expect(new Set(y1.slice(ch * 6, ch * 6 + 6)).size).toBe(1);
  }));
  test('alpha dropout keeps a standard normal input at mean 0, variance 1; dropped values are a·(-α\') + b', () => fl.scope(() => {
    fl.manualSeed(5);
    const x = big([200000]);
    const y = vals(F.alphaDropout(x, 0.2, true));
    const mu = y.reduce((a, b) => a + b, 0) / y.length;
    const v = y.reduce((a, b) => a + (b - mu) ** 2, 0) / y.length;
    expect(Math.abs(mu)).toBeLessThan(0.02);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
    // torch's constants: a = 1/√((α'²p + 1)(1-p)), the dropped value -α'·a + α'·a·p
    const ap = 1.7580993408473766, p = 0.2, a = 1 / Math.sqrt((ap * ap * p + 1) * (1 - p));
    const droppedValue = -ap * a + ap * a * p;
    const n = y.filter((t) => Math.abs(t - droppedValue) < 1e-12).length;
    expect(Math.abs(n / y.length - p)).toBeLessThan(0.01);
    // feature alpha dropout: each channel is either a·x + α'·a·p or the dropped value
    const xf = big([50, 20, 4]);
    const yf = vals(F.featureAlphaDropout(xf, 0.5, true)), xv = vals(xf);
    const a5 = 1 / Math.sqrt((ap * ap * 0.5 + 1) * 0.5);
    for (let ch = 0; ch < 1000; ch++) {
      const kept = Math.abs(yf[ch * 4] - (a5 * xv[ch * 4] + ap * a5 * 0.5)) < 1e-9;
      for (let j = 0; j < 4; j++) {
        const want = kept ? a5 * xv[ch * 4 + j] + ap * a5 * 0.5 : -ap * a5 + ap * a5 * 0.5;
        expect(Math.abs(yf[ch * 4 + j] - want)).toBeLessThan(1e-9);
      }
    }
  }));
  test('gradient: the mask times the scale', () => fl.scope(() => {
    fl.manualSeed(7);
    const x = leaf(fl.ones([4, 6, 2], { dtype: 'float64', device: DEVICE }));
    const y = F.dropout1d(x, 0.5);
    y.sum().backward();
    near(x.grad!, vals(y), 0);  // y = mask·2·1 and dy/dx = mask·2
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => F.dropout1d(sinT([2, 3, 4, 5]), 0.5)).toThrow(/dropout1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input, got shape \[2, 3, 4, 5\]/);
    expect(() => new nn.Dropout2d(1.5)).toThrow(new fl.ValueError('Dropout2d: dropout probability has to be between 0 and 1, but got 1.5'));
    expect(() => F.featureAlphaDropout(sinT([5]), 0.5, true)).toThrow(/featureAlphaDropout: feature dropout requires at least 2 dimensions/);
  }));
});

describe('Bilinear, ConvTranspose1d, EmbeddingBag', () => {
  test('Bilinear with torch\'s weights; init bounds; names; gradient', () => fl.scope(() => {
    const b = new nn.Bilinear(3, 2, 2, { dtype: 'float64', device: DEVICE });
    expect(Object.keys(b.stateDict())).toEqual(['weight', 'bias']);
    expect(b.weight.shape).toEqual([2, 3, 2]);
    fl.noGrad(() => { b.weight.copy_(gold('bilinearW')); b.bias!.copy_(gold('bilinearB')); });
    near(b.forward(sinT([2, 3], Math.cos), sinT([2, 2])), 'bilinear');
    near(F.bilinear(sinT([2, 3], Math.cos), sinT([2, 2]), gold('bilinearW'), gold('bilinearB')), 'bilinear');
    expect(String(b)).toBe('Bilinear(in1_features=3, in2_features=2, out_features=2, bias=True)');
    // U(-1/√in1, 1/√in1) for weight and bias: bounds and the variance bound²/3
    const big = new nn.Bilinear(16, 20, 30, { dtype: 'float64' });
    const w = vals(big.weight), bound = 1 / 4;
    expect(w.every((v) => Math.abs(v) <= bound)).toBe(true);
    const v = w.reduce((a, t) => a + t * t, 0) / w.length;
    expect(Math.abs(v - bound * bound / 3)).toBeLessThan(0.002);
    expect(vals(big.bias!).every((t) => Math.abs(t) <= bound)).toBe(true);
    expect(fl.gradcheck((x1: fl.Tensor, x2: fl.Tensor, ww: fl.Tensor) => F.bilinear(x1, x2, ww), [leaf(sinT([2, 3])), leaf(sinT([2, 2], Math.cos)), leaf(sinT([2, 3, 2], Math.sin, 0.7))])).toBe(true);
    expect(() => F.bilinear(sinT([2, 3]), sinT([3, 2]), gold('bilinearW'))).toThrow(/bilinear: input1 \[2, 3\] and input2 \[3, 2\] must have the same leading dims/);
  }));
  test('ConvTranspose1d with torch\'s weights; groups and dilation; names; gradient', () => fl.scope(() => {
    const ct = new nn.ConvTranspose1d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, dtype: 'float64', device: DEVICE });
    expect(Object.keys(ct.stateDict())).toEqual(['weight', 'bias']);
    expect(ct.weight.shape).toEqual([2, 3, 3]);
    fl.noGrad(() => { ct.weight.copy_(gold('ctW')); ct.bias!.copy_(gold('ctB')); });
    near(ct.forward(sinT([2, 2, 4], Math.cos)), 'ct');
    near(F.convTranspose1d(sinT([2, 2, 4], Math.cos), gold('ctW').narrow(1, 0, 1), null, 1, 0, 0, 2, 2), 'ctDil');
    expect(String(ct)).toBe('ConvTranspose1d(2, 3, kernel_size=(3,), stride=(2,), padding=(1,), output_padding=(1,))');
    // forward(x, outputSize) picks the output padding, as torch's output_size: lengths 7 and 8 from L = 4
    expect(ct.forward(sinT([2, 2, 4]), [7]).shape).toEqual([2, 3, 7]);
    expect(ct.forward(sinT([2, 2, 4]), [2, 3, 8]).shape).toEqual([2, 3, 8]);
    expect(() => ct.forward(sinT([2, 2, 4]), [9])).toThrow(/ConvTranspose1d: requested an output size of \[9\], but valid sizes range from 7 to 8/);
    expect(fl.gradcheck((x: fl.Tensor, w: fl.Tensor) => F.convTranspose1d(x, w, null, { stride: 2, padding: 1 }), [leaf(sinT([1, 2, 4])), leaf(sinT([2, 2, 3], Math.cos))])).toBe(true);
    expect(() => F.convTranspose1d(sinT([1, 2, 4]), sinT([2, 3, 3]), null, { stride: 1, outputPadding: 1 })).toThrow(/^convTranspose1d: outputPadding .*computed as convTranspose2d with a height of 1\)$/);
  }));
  const W = () => sinT([5, 2]);
  const idx = () => fl.tensor([1, 2, 4, 0, 4, 3, 2], { dtype: 'int32', device: DEVICE });
  const off = (o = [0, 3, 3, 5]) => fl.tensor(o, { dtype: 'int32', device: DEVICE });
  test('embeddingBag against torch: modes, empty bags, perSampleWeights, paddingIdx, 2-D input, includeLastOffset', () => fl.scope(() => {
    for (const mode of ['sum', 'mean', 'max'] as const) near(F.embeddingBag(idx(), W(), { offsets: off(), mode }), `eb_${mode}`);
    near(F.embeddingBag(idx(), W(), off(), null, 2, false, 'sum', false, on([0, 0.5, 1, 1.5, 2, 2.5, 3], [7])), 'eb_psw');
    near(F.embeddingBag(idx(), W(), { offsets: off(), paddingIdx: 4 }), 'eb_pad');
    near(F.embeddingBag(fl.tensor([[1, 2], [4, 4]], { dtype: 'int32', device: DEVICE }), W(), { mode: 'max', paddingIdx: 4 }), 'eb_2d');
    near(F.embeddingBag(idx(), W(), { offsets: off([0, 3, 5]), mode: 'sum', includeLastOffset: true }), 'eb_last');
  }));
  test('EmbeddingBag module: init, padding row, names, repr, gradient to the weight', () => fl.scope(() => {
    const m = new nn.EmbeddingBag(5, 2, { mode: 'sum', paddingIdx: 4, dtype: 'float64', device: DEVICE });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(vals(m.weight).slice(8)).toEqual([0, 0]);
    expect(String(m)).toBe('EmbeddingBag(5, 2, mode=sum, padding_idx=4)');
    expect(String(new nn.EmbeddingBag(10, 3))).toBe('EmbeddingBag(10, 3, mode=mean)');
    fl.noGrad(() => m.weight.copy_(W()));
    near(m.forward(idx(), off()), vals(F.embeddingBag(idx(), W(), { offsets: off(), mode: 'sum', paddingIdx: 4 })), 0);
    // fromPretrained: a copy of the table, frozen by default, the padding row kept as given
    const pre = nn.EmbeddingBag.fromPretrained(W(), { mode: 'max', paddingIdx: 4 });
    expect([pre.weight.requiresGrad, pre.mode, pre.paddingIdx]).toEqual([false, 'max', 4]);
    near(pre.weight, vals(W()), 0);
    near(pre.forward(idx(), off()), vals(F.embeddingBag(idx(), W(), { offsets: off(), mode: 'max', paddingIdx: 4 })), 0);
    for (const mode of ['sum', 'mean', 'max'] as const) {
      expect(fl.gradcheck((w: fl.Tensor, s: fl.Tensor) => F.embeddingBag(idx(), w, { offsets: off(), mode, perSampleWeights: mode === 'sum' ? s : null }), [leaf(W()), leaf(on([0.5, 1, 1.5, 2, 2.5, 3, 3.5], [7]))])).toBe(true);
    }
  }));
  test('embeddingBag refusals', () => fl.scope(() => {
    expect(() => F.embeddingBag(idx(), W())).toThrow(new fl.ValueError('embeddingBag: offsets are required for a 1-D input'));
    expect(() => F.embeddingBag(idx(), W(), { offsets: off([1, 3]) })).toThrow(/embeddingBag: offsets\[0\] has to be 0/);
    expect(() => F.embeddingBag(idx(), W(), { offsets: off(), mode: 'max', perSampleWeights: on([1, 1, 1, 1, 1, 1, 1], [7]) })).toThrow(/perSampleWeights is only supported for mode 'sum'/);
    expect(() => F.embeddingBag(fl.tensor([5], { dtype: 'int32', device: DEVICE }), W(), { offsets: off([0]) })).toThrow(fl.IndexError);
    expect(() => F.embeddingBag(idx(), W(), { offsets: off(), mode: 'min' as any })).toThrow(/embeddingBag: mode must be 'sum', 'mean' or 'max', got 'min'/);
  }));
});

describe('ParameterList and ParameterDict', () => {
  class Net extends nn.Module {
    ps = new nn.ParameterList([fl.ones([2], { device: DEVICE }), fl.zeros([3, 4], { device: DEVICE })]);
    pd = new nn.ParameterDict({ scale: fl.ones([3], { device: DEVICE }), bias: fl.zeros([3], { device: DEVICE }) });
    forward(): void { /* holds parameters only */ }
  }
  test('names, stateDict keys (torch\'s), to(), loadStateDict', () => fl.scope(() => {
    const n = new Net();
    // a plain object's keys sorted, as torch sorts a dict's
    expect(n.namedParameters().map(([k]) => k)).toEqual(['ps.0', 'ps.1', 'pd.bias', 'pd.scale']);
    expect(n.parameters().every((p) => p.requiresGrad)).toBe(true);
    n.to('float64');
    expect([n.ps[0].dtype, n.ps.at(-1).dtype, n.pd.get('scale').dtype]).toEqual(['float64', 'float64', 'float64']);
    n.loadStateDict({ 'ps.0': fl.tensor([5, 6], { dtype: 'float64' }), 'ps.1': fl.zeros([3, 4], { dtype: 'float64' }), 'pd.bias': fl.ones([3], { dtype: 'float64' }), 'pd.scale': fl.ones([3], { dtype: 'float64' }) });
    expect(vals(n.ps[0])).toEqual([5, 6]);
    n.ps.append(fl.ones([1], { device: DEVICE }));
    expect(n.ps.length).toBe(3);
    expect(Object.keys(n.stateDict())).toContain('ps.2');
    expect(n.pd.pop('bias').shape).toEqual([3]);
    expect(n.pd.keys()).toEqual(['scale']);
  }));
  test('repr as torch\'s', () => fl.scope(() => {
    expect(String(new nn.ParameterList([nn.Parameter(fl.zeros([])), fl.zeros([2, 3], { dtype: 'float16' })]))).toBe(
      'ParameterList(\n    (0): Parameter containing: [torch.float32 of size ]\n    (1): Parameter containing: [torch.float16 of size 2x3]\n)');
    expect(String(new nn.ParameterDict({ b: fl.zeros([2]), a: fl.zeros([1], { dtype: 'bfloat16' }) }))).toBe(
      'ParameterDict(\n    (a): Parameter containing: [torch.BFloat16Tensor of size 1]\n    (b): Parameter containing: [torch.FloatTensor of size 2]\n)');
    expect(String(new nn.ParameterDict({ w0: fl.zeros([1], { dtype: 'float64' }) }))).toBe('ParameterDict(  (w0): Parameter containing: [torch.DoubleTensor of size 1])');
    expect(String(new nn.ParameterList())).toBe('ParameterList()');
  }));
  test('refusals', () => fl.scope(() => {
    expect(() => new nn.ParameterList([1 as any])).toThrow(/ParameterList.append: expected a Tensor \(a parameter\), got 1/);
    expect(() => new nn.ParameterDict({ get: fl.ones(1) })).toThrow(/ParameterDict: key 'get' is taken by an attribute/);
    expect(() => new nn.ParameterDict().get('x')).toThrow(fl.IndexError);
    expect(() => new nn.ParameterList().at(0)).toThrow(fl.IndexError);
  }));
});
