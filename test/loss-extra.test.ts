// loss-extra.test.ts — the losses of lib/nn/loss-extra.ts: F.klDiv, marginRankingLoss,
// cosineEmbeddingLoss, tripletMarginLoss, tripletMarginWithDistanceLoss, poissonNllLoss,
// gaussianNllLoss, hingeEmbeddingLoss, softMarginLoss, multilabelSoftMarginLoss, multiMarginLoss,
// multilabelMarginLoss, ctcLoss and their modules (nn.KLDivLoss … nn.CTCLoss); and crossEntropy's
// probability targets and label smoothing (loss.ts).
// References: PyTorch 1.13 golden values (the torch call beside each, float64, every reduction, the
// gradients of the 'mean' loss), finite differences (fl.gradcheck), torch's module reprs and state
// dicts. Tolerance: 1e-12 relative for float64 goldens. The tests run on DEVICE (the CPU, or the
// emulated GPU under scripts/test-emu.js).
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

const F = fl.nn.functional;
const nn = fl.nn;
const o64 = { dtype: 'float64' as const, device: DEVICE };
const t64 = (v: unknown, grad = false): fl.Tensor => {
  const t = fl.tensor(v as number[], o64);
  return grad ? t.requiresGrad_(true) : t;
};
const i32 = (v: unknown): fl.Tensor => fl.tensor(v as number[], { dtype: 'int32', device: DEVICE });
const vals = (t: fl.Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const close = (t: fl.Tensor, want: unknown): void => expectClose(t, flat(want), 'float64', 100);

const X = [[0.5, -1, 2], [-0.25, 1.5, 0]];
const Y = [[1, -0.5, 0.25], [0.75, -1.25, 2]];
const PM = [[1, -1, 1], [-1, -1, 1]];
const Z = [[0, 1, -1], [2, 0.5, 0.5]];
const C = [[0, 1, 3], [2, 0, 5]];
const PX = [[0.5, 1, 2], [0.25, 1.5, 3]];
const V = [[0.5, 1, 2], [0.25, 1e-9, 3]];
const ML = [[1, 0, 1], [0, 0, 1]];
const P = [[0.1, 0.6, 0.3], [0, 0.5, 0.5]];

// torch 1.13, float64: l = <call> for each reduction; l('mean').backward() -> the gradients of the inputs created with requires_grad (x, then y)
// X = [[0.5, -1.0, 2.0], [-0.25, 1.5, 0.0]], Y = [[1.0, -0.5, 0.25], [0.75, -1.25, 2.0]]
const LOSS_GOLD: [string, (x: fl.Tensor, y: fl.Tensor, o: { reduction: fl.nn.Reduction }) => fl.Tensor, unknown, number, number, number[][][] | null][] = [
  // F.kl_div(x, p, reduction=red) with x = log-probs-like values, p with a 0
  ['klDiv', (x, y, o) => F.klDiv(x, y, o), [[-0.28025850929940455, 0.29350462574040553, -0.9611918412977808], [0.0, -1.0965735902799727, -0.34657359027997264]], -2.391092905416725, -0.3985154842361209, [[[-0.016666666666666666, -0.09999999999999999, -0.049999999999999996], [-0.0, -0.08333333333333333, -0.08333333333333333]], [[-0.3004308488323409, 0.24819572937233486, -0.36732880072098933], [NaN, -0.19885786342665757, 0.05114213657334245]]]],
  // F.kl_div(x, y, reduction=red, log_target=True)
  ['klDivLog', (x, y, o) => F.klDiv(x, y, { ...o, logTarget: true }), [[1.3591409142295225, 0.3032653298563167, -2.2470444792035473], [2.117000016612675, -0.7878881913655228, 14.7781121978613]], 15.522585787990744, 2.587097631331791, [[[-0.45304697140984085, -0.1010884432854389, -0.21400423611462355], [-0.3528333361021124, -0.047750799476698344, -1.231509349821775]], [[0.6795704571147613, 0.15163266492815836, -0.16050317708596762], [0.7056666722042249, -0.08356389908422211, 3.694528049465325]]]],
  // F.margin_ranking_loss(x, y, pm, 0.5, reduction=red)
  ['marginRanking', (x, y, o) => F.marginRankingLoss(x, y, t64(PM), 0.5, o), [[1.0, 0.0, 0.0], [0.0, 3.25, 2.5]], 6.75, 1.125, [[[-0.16666666666666666, 0.16666666666666666, -0.0], [0.0, 0.16666666666666666, -0.16666666666666666]], [[0.16666666666666666, -0.16666666666666666, 0.0], [-0.0, -0.16666666666666666, 0.16666666666666666]]]],
  // F.hinge_embedding_loss(x, pm, 1.25, reduction=red)
  ['hinge', (x, y, o) => F.hingeEmbeddingLoss(x, t64(PM), 1.25, o), [[0.5, 2.25, 2.0], [1.5, 0.0, 0.0]], 6.25, 1.0416666666666667, [[[0.16666666666666666, -0.16666666666666666, 0.16666666666666666], [-0.16666666666666666, 0.0, 0.16666666666666666]]]],
  // F.soft_margin_loss(x, pm, reduction=red)
  ['softMargin', (x, y, o) => F.softMarginLoss(x, t64(PM), o), [[0.4740769841801067, 0.31326168751822286, 0.1269280110429726], [0.5759394198788437, 1.7014132779827524, 0.6931471805599453]], 3.884766561162844, 0.6474610935271407, [[[-0.0629234447996909, 0.04482357022833252, -0.019867153670352924], [0.07297058318570031, 0.1362624126989406, -0.08333333333333333]]]],
  // F.cosine_embedding_loss(x, y, tensor([1, -1]), 0.1, reduction=red)
  ['cosineEmbedding', (x, y, o) => F.cosineEmbeddingLoss(x, y, fl.tensor([1, -1], { dtype: 'int32', device: DEVICE }), 0.1, o), [0.4285714285717007, 0.0], 0.4285714285717007, 0.21428571428585036, [[[-0.1632653061223764, 0.040816326530603166, 0.06122448979586849], [0.0, 0.0, 0.0]], [[0.12244897959161258, 0.08163265306126853, -0.3265306122447839], [0.0, 0.0, 0.0]]]],
  // F.triplet_margin_loss(x, y, z, 1.5, 1.0, 1e-6, True, reduction=red) (z = [[0, 1, -1], [2, .5, .5]])
  ['triplet', (x, y, o) => F.tripletMarginLoss(x, y, t64(Z), 1.5, 1, 1e-6, true, o), [0.4999979999999997, 3.5], 3.9999979999999997, 1.9999989999999999, [[[-0.5, -0.5, 0.5], [0.0, 0.0, 0.0]], [[0.0, 1.0, -1.0], [0.5, -0.5, 0.5]]]],
  // F.triplet_margin_with_distance_loss(x, y, z, distance_function=lambda a, b: 1 - F.cosine_similarity(a, b), margin=0.5, reduction=red)
  ['tripletDist', (x, y, o) => F.tripletMarginWithDistanceLoss(x, y, t64(Z), { ...o, distanceFunction: (a, b) => fl.sub(1, F.cosineSimilarity(a, b)), margin: 0.5 }), [0.0, 1.1255230084786467], 1.1255230084786467, 0.5627615042393234, [[[0.0, 0.0, 0.0], [0.24416492462022274, 0.04069415410337046, -0.1882104627280884]], [[0.0, 0.0, 0.0], [-0.00033891439867002326, -0.14336079063742144, -0.08947340124888714]]]],
  // F.poisson_nll_loss(x, c, reduction=red) (c = counts [[0, 1, 3], [2, 0, 5]])
  ['poisson', (x, y, o) => F.poissonNllLoss(x, t64(C), o), [[1.6487212707001282, 1.3678794411714423, 1.3890560989306504], [1.278800783071405, 4.4816890703380645, 1.0]], 11.166146664211691, 1.8610244440352819, [[[0.27478687845002137, -0.10535342647142627, 0.7315093498217751], [-0.2035332028214325, 0.7469481783896774, -0.6666666666666666]]]],
  // F.poisson_nll_loss(px, c, log_input=False, full=True, eps=1e-3, reduction=red) (px = [[0.5, 1, 2], [0.25, 1.5, 3]])
  ['poissonFull', (x, y, o) => F.poissonNllLoss(t64(PX), t64(C), false, true, { ...o, eps: 1e-3 }), [[0.5, 0.9990004996669166, 1.683140376738268], [3.6664111643052424, 1.5, 2.2761192193010746]], 10.624671260011501, 1.7707785433352503, null],
  // F.gaussian_nll_loss(x, y, v, full=True, eps=1e-6, reduction=red) (v = [[0.5, 1, 2], [0.25, 1e-9, 3]]: 1e-9 is clamped to eps; grads of x, y, v)
  ['gaussian', (x, y, o) => F.gaussianNllLoss(x, y, t64(V), true, 1e-6, o.reduction), [[0.8223649429247, 1.0439385332046727, 2.0311371234846454], [2.2257913526447273, 3781244.0111832544, 2.134911344205394]], 3781252.269326552, 630208.7115544253, null],
  // F.multilabel_soft_margin_loss(x, ml, weight=tensor([1., 2, 0.5]), reduction=red)
  ['multilabelSoft', (x, y, o) => F.multilabelSoftMarginLoss(x, t64(ML), t64([1, 2, 0.5]), o), [0.38802145491267964, 1.4417798553747738], 1.8298013102874535, 0.9149006551437268, [[[-0.0629234447996909, 0.08964714045666503, -0.009933576835176462], [0.07297058318570031, 0.2725248253978812, -0.041666666666666664]]]],
  // F.multi_margin_loss(x, tensor([2, 0]), p=2, margin=1.5, weight=tensor([1., 2, 0.5]), reduction=red)
  ['multiMargin', (x, y, o) => F.multiMarginLoss(x, fl.tensor([2, 0], { dtype: 'int32', device: DEVICE }), 2, 1.5, t64([1, 2, 0.5]), o), [0.0, 4.541666666666667], 4.541666666666667, 2.2708333333333335, [[[0.0, 0.0, 0.0], [-1.6666666666666665, 1.0833333333333333, 0.5833333333333333]]]],
  // F.multi_margin_loss(x, tensor([1, 1]), reduction=red)
  ['multiMarginP1', (x, y, o) => F.multiMarginLoss(x, fl.tensor([1, 1], { dtype: 'int32', device: DEVICE }), o), [2.1666666666666665, 0.0], 2.1666666666666665, 1.0833333333333333, [[[0.16666666666666666, -0.3333333333333333, 0.16666666666666666], [0.0, 0.0, 0.0]]]],
  // F.multilabel_margin_loss(x, tensor([[2, -1, 0], [1, 0, -1]]), reduction=red)
  ['multilabelMargin', (x, y, o) => F.multilabelMarginLoss(x, fl.tensor([[2, -1, 0], [1, 0, -1]], { dtype: 'int32', device: DEVICE }), o), [0.0, 0.4166666666666667], 0.4166666666666667, 0.20833333333333334, [[[0.0, 0.0, 0.0], [-0.16666666666666666, 0.0, 0.16666666666666666]]]],
];
const GAUSS_GRADS = [[[-0.16666666666666666, -0.08333333333333333, 0.14583333333333331], [-0.6666666666666666, 458333.3333333333, -0.1111111111111111]], [[0.16666666666666666, 0.08333333333333333, -0.14583333333333331], [0.6666666666666666, -458333.3333333333, 0.1111111111111111]], [[0.08333333333333333, 0.0625, -0.022135416666666664], [-1.0, -630208249999.9999, -0.009259259259259259]]];


describe('the losses against torch, every reduction and the gradients of the mean', () => {
  test.each(LOSS_GOLD)('%s', (name, f, none, s, m, grads) => {
    fl.scope(() => {
      for (const [red, want] of [['none', none], ['sum', s]] as const) close(f(t64(X), t64(name === 'klDiv' ? P : Y), { reduction: red }), want);
      const x = t64(X, true), y = t64(name === 'klDiv' ? P : Y, true);
      const l = f(x, y, { reduction: 'mean' });
      close(l, [m]);
      expect(l.shape).toEqual([]);
      if (grads) {
        l.backward();
        close(x.grad!, grads[0]);
        if (grads.length > 1) close(y.grad!, grads[1]);
      }
    });
  });
  test('klDiv: batchmean divides the sum by the batch size; a 0 target gives 0, not NaN', () => {
    fl.scope(() => {
      const s = (LOSS_GOLD.find((g) => g[0] === 'klDiv')![3]) as number;
      close(F.klDiv(t64(X), t64(P), { reduction: 'batchmean' }), [s / 2]);
      close(F.klDiv(t64([-1]), t64([0]), { reduction: 'none' }), [0]);
      // torch: F.kl_div(tensor([-inf, -1.]), tensor([0., .5]), reduction='none') = [nan, 0.1534264087677002]
      close(F.klDiv(t64([-Infinity, -1]), t64([0, 0.5]), { reduction: 'none' }), [NaN, 0.5 * (Math.log(0.5) + 1)]);
      // broadcasting, as torch's
      expect(F.klDiv(fl.zeros([2, 3], o64), t64([0.2, 0.3, 0.5]), { reduction: 'none' }).shape).toEqual([2, 3]);
    });
  });
  test('gaussianNllLoss: the variance clamped to eps without changing its gradient; homoscedastic shapes', () => {
    fl.scope(() => {
      const x = t64(X, true), y = t64(Y, true), v = t64(V, true);
      F.gaussianNllLoss(x, y, v, true, 1e-6).backward();
      close(x.grad!, GAUSS_GRADS[0]); close(y.grad!, GAUSS_GRADS[1]); close(v.grad!, GAUSS_GRADS[2]);
      // var [N] for input [N, D] is one variance per sample (unsqueezed), as [N, 1]
      const a = F.gaussianNllLoss(t64(X), t64(Y), t64([0.5, 2]), { reduction: 'none' });
      close(a, vals(F.gaussianNllLoss(t64(X), t64(Y), t64([[0.5], [2]]), { reduction: 'none' })));
      expect(() => F.gaussianNllLoss(t64(X), t64(Y), t64([1, 2, 3]))).toThrow(/gaussianNllLoss: var is of incorrect size: \[3\] for input of shape \[2, 3\]/);
      expect(() => F.gaussianNllLoss(t64(X), t64(Y), t64([[1, 2, -3], [1, 1, 1]]))).toThrow(new fl.ValueError('gaussianNllLoss: var has negative entry/entries'));
    });
  });
  test('mean of an empty batch is NaN, sum 0', () => {
    fl.scope(() => {
      expect(vals(F.softMarginLoss(fl.zeros([0], o64), fl.zeros([0], o64)))).toEqual([NaN]);
      expect(vals(F.marginRankingLoss(fl.zeros([0], o64), fl.zeros([0], o64), fl.zeros([0], o64), { reduction: 'sum' }))).toEqual([0]);
      expect(F.multiMarginLoss(fl.zeros([0, 3], o64), i32([]), { reduction: 'none' }).shape).toEqual([0]);
      expect(F.tripletMarginLoss(fl.zeros([0, 3], o64), fl.zeros([0, 3], o64), fl.zeros([0, 3], o64), { reduction: 'none' }).shape).toEqual([0]);
    });
  });
  test('1-D inputs of the class losses: the output has the target\'s shape', () => {
    fl.scope(() => {
      // torch: F.multi_margin_loss(x, tensor(1), reduction='none').shape == (); with tensor([1]): (1,)
      expect(F.multiMarginLoss(t64([0.5, 2, -1]), i32(1), { reduction: 'none' }).shape).toEqual([]);
      expect(F.multiMarginLoss(t64([0.5, 2, -1]), i32([1]), { reduction: 'none' }).shape).toEqual([1]);
      expect(F.multilabelMarginLoss(t64([0.5, 2, -1]), i32([1, -1, 0]), { reduction: 'none' }).shape).toEqual([]);
      expect(F.multilabelSoftMarginLoss(t64([0.5, 2, -1]), t64([1, 0, 1]), { reduction: 'none' }).shape).toEqual([]);
      expect(F.cosineEmbeddingLoss(t64([0.5, 2, -1]), t64([1, 0, 1]), i32(1), { reduction: 'none' }).shape).toEqual([]);
    });
  });
});

// torch 1.13, float64: x = tensor([2·sin(0.7·k) for k in range(60)]).reshape(5, 3, 4) (requires_grad); l = F.ctc_loss(x.log_softmax(-1), targets, input_lengths, target_lengths, blank, reduction, zero_infinity); l.sum().backward() -> l, x.grad
// padded targets [[1, 2, 2], [3, 0, 0], [1, 1, 0]], input_lengths [5, 3, 2], target_lengths [3, 1, 2] (sample 2's [1, 1] needs 3 frames: inf, zeroed), blank 0, 'none', zero_infinity=True
const CTC_NONE = [7.551090127290006, 1.765885683371975, 0.0], CTC_NONE_G = [0.040830165004942146, -0.7752818186460194, 0.411893381917832, 0.3225582717232453, -0.2254914585875644, 0.1793069043643727, 0.06327648643080505, -0.017091932207613337, 0.0, 0.0, 0.0, 0.0, 0.5092741271342192, 0.15795102662263594, -0.6885565956189257, 0.0213314418620705, 0.014216486198000351, 0.05463069390540457, 0.20116313648113016, -0.2700103165845351, 0.0, 0.0, 0.0, 0.0, -0.634094083642645, 0.08280851863341708, -0.09331337482699632, 0.6445989398362243, -0.4672535948642203, 0.397978931758722, 0.29124869786030844, -0.22197403475481017, 0.0, 0.0, 0.0, 0.0, -0.2111621576624926, 0.22653052178089053, -0.31102718415867353, 0.2956588200402756, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.026270817182161416, 0.22540631261016905, -0.27363677802830266, 0.02195964823597222, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
// padded targets [[1, 2, 2], [3, 0, 0], [1, 1, 0]], input_lengths [5, 3, 2], target_lengths [3, 1, 2] (sample 2's [1, 1] needs 3 frames: inf, zeroed), blank 0, 'sum', zero_infinity=True
const CTC_SUM = 9.316975810661981, CTC_SUM_G = [0.040830165004942146, -0.7752818186460194, 0.411893381917832, 0.3225582717232453, -0.2254914585875644, 0.1793069043643727, 0.06327648643080505, -0.017091932207613337, 0.0, 0.0, 0.0, 0.0, 0.5092741271342192, 0.15795102662263594, -0.6885565956189257, 0.0213314418620705, 0.014216486198000351, 0.05463069390540457, 0.20116313648113016, -0.2700103165845351, 0.0, 0.0, 0.0, 0.0, -0.634094083642645, 0.08280851863341708, -0.09331337482699632, 0.6445989398362243, -0.4672535948642203, 0.397978931758722, 0.29124869786030844, -0.22197403475481017, 0.0, 0.0, 0.0, 0.0, -0.2111621576624926, 0.22653052178089053, -0.31102718415867353, 0.2956588200402756, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.026270817182161416, 0.22540631261016905, -0.27363677802830266, 0.02195964823597222, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
// padded targets [[1, 2, 2], [3, 0, 0], [1, 1, 0]], input_lengths [5, 3, 2], target_lengths [3, 1, 2] (sample 2's [1, 1] needs 3 frames: inf, zeroed), blank 0, 'mean', zero_infinity=True
const CTC_MEAN = 1.427638575267326, CTC_MEAN_G = [0.004536685000549127, -0.08614242429400215, 0.04576593132420355, 0.035839807969249474, -0.07516381952918813, 0.05976896812145756, 0.021092162143601684, -0.005697310735871112, 0.0, 0.0, 0.0, 0.0, 0.05658601412602435, 0.01755011406918177, -0.07650628840210284, 0.0023701602068967225, 0.004738828732666783, 0.018210231301801525, 0.06705437882704339, -0.09000343886151169, 0.0, 0.0, 0.0, 0.0, -0.0704548981825161, 0.009200946514824119, -0.010368152758555148, 0.07162210442624714, -0.15575119828807343, 0.132659643919574, 0.09708289928676948, -0.07399134491827004, 0.0, 0.0, 0.0, 0.0, -0.023462461962499178, 0.025170057975654508, -0.03455857601763039, 0.03285098000447506, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.002918979686906823, 0.025045145845574334, -0.03040408644758918, 0.002439960915108024, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
// concatenated targets [1, 2, 2, 3, 2, 1], input_lengths [5, 4, 5], target_lengths [3, 1, 2], blank 0, 'none'
const CTC_CAT = [7.551090127290006, 2.0982402680522028, 4.299910620240905], CTC_CAT_G = [0.040830165004942146, -0.7752818186460194, 0.411893381917832, 0.3225582717232453, -0.22570156826032675, 0.17930690436437272, 0.06327648643080507, -0.016881822534851036, -0.05352997467677509, 0.08439468298835097, -0.6197391969411165, 0.5888744886295406, 0.5092741271342192, 0.15795102662263594, -0.6885565956189257, 0.0213314418620705, 0.01177923530228611, 0.05463069390540459, 0.20116313648113024, -0.26757306568882094, -0.12929784081914472, 0.2044552575259268, -0.10625109958422357, 0.0310936828774415, -0.634094083642645, 0.08280851863341708, -0.09331337482699632, 0.6445989398362243, -0.4501306422419822, 0.3979789317587221, 0.2912486978603085, -0.23909698737704843, -0.16584800349027126, -0.15505890803385583, 0.03398953316086009, 0.28691737836326703, -0.2111621576624926, 0.22653052178089053, -0.31102718415867353, 0.2956588200402756, -0.27486280254524464, 0.17757316245396848, 0.0666949067136634, 0.030594733377612756, -0.11456263440873464, -0.6750219012304561, 0.22270765112732344, 0.5668768845118672, 0.026270817182161416, 0.22540631261016905, -0.27363677802830266, 0.02195964823597222, 0.0, 0.0, 0.0, 0.0, -0.02977303509706135, -0.1106228707938657, 0.11179907094410406, 0.028596834946822976];
// unbatched: x[:20].reshape(5, 4), targets [0, 2], input_length 5, target_length 2, blank 3, 'none'
const CTC_UNB = 4.021286927349801, CTC_UNB_G = [-0.09478014239908725, 0.20815863319286815, 0.41189338191783254, -0.5252718727116135, -0.1999637728048657, 0.1793069043643728, 0.05714487937098315, -0.036488010930490235, -0.04906890621619356, 0.08439468298835091, -0.02249391267105051, -0.01283186410110684, 0.5600894223513454, 0.23457382865530751, -0.7030305232889535, -0.09163272771769933, 0.026536327688845025, 0.054630693905404606, -0.1300831750389792, 0.04891615344472956];

describe('ctcLoss', () => {
  const xs = Array.from({ length: 60 }, (_, k) => 2 * Math.sin(0.7 * k));
  const padded = (): fl.Tensor => i32([[1, 2, 2], [3, 0, 0], [1, 1, 0]]);
  test.each([['none', CTC_NONE, CTC_NONE_G], ['sum', CTC_SUM, CTC_SUM_G], ['mean', CTC_MEAN, CTC_MEAN_G]] as const)('padded targets, zeroInfinity, %s', (red, want, g) => {
    fl.scope(() => {
      const x = t64(xs).reshape([5, 3, 4]).detach().requiresGrad_(true);
      const l = F.ctcLoss(fl.logSoftmax(x, -1), padded(), i32([5, 3, 2]), [3, 1, 2], 0, red, true);
      close(l, want);
      l.sum().backward();
      close(x.grad!, g);
    });
  });
  test('concatenated targets; unbatched; another blank', () => {
    fl.scope(() => {
      const x = t64(xs).reshape([5, 3, 4]).detach().requiresGrad_(true);
      const l = F.ctcLoss(fl.logSoftmax(x, -1), i32([1, 2, 2, 3, 2, 1]), [5, 4, 5], i32([3, 1, 2]), { reduction: 'none' });
      close(l, CTC_CAT);
      l.sum().backward();
      close(x.grad!, CTC_CAT_G);
      const u = t64(xs.slice(0, 20)).reshape([5, 4]).detach().requiresGrad_(true);
      const lu = F.ctcLoss(fl.logSoftmax(u, -1), i32([0, 2]), 5, 2, { blank: 3, reduction: 'none' });
      expect(lu.shape).toEqual([]);
      close(lu, [CTC_UNB]);
      lu.backward();
      close(u.grad!, CTC_UNB_G);
    });
  });
  test('an infeasible alignment is inf without zeroInfinity (its gradient 0, torch\'s NaN); the module', () => {
    fl.scope(() => {
      const x = t64(xs).reshape([5, 3, 4]);
      const l = F.ctcLoss(fl.logSoftmax(x, -1), padded(), [5, 3, 2], [3, 1, 2], { reduction: 'none' });
      expect(vals(l)[2]).toBe(Infinity);
      const m = new nn.CTCLoss(0, 'none', true);
      close(m.forward(fl.logSoftmax(x, -1), padded(), [5, 3, 2], [3, 1, 2]), CTC_NONE);
      expect(m.toString()).toBe('CTCLoss()');
    });
  });
  test('gradcheck of the alpha recursion (float64, log-probabilities as they are)', () => {
    fl.scope(() => {
      const x = t64(xs.slice(0, 24)).reshape([4, 2, 3]).detach().requiresGrad_(true);
      expect(fl.gradcheck((a: fl.Tensor) => F.ctcLoss(a, i32([[1, 2], [2, 2]]), [4, 4], [2, 2], { reduction: 'sum' }), [x])).toBe(true);
    });
  });
  test('refusals', () => {
    fl.scope(() => {
      const lp = fl.logSoftmax(t64(xs).reshape([5, 3, 4]), -1);
      expect(() => F.ctcLoss(lp, padded(), [6, 3, 2], [3, 1, 2])).toThrow(/ctcLoss: expected inputLengths to have values at most 5/);
      expect(() => F.ctcLoss(lp, padded(), [5, 3], [3, 1, 2])).toThrow(/ctcLoss: inputLengths must be of size batch_size \(3\), got 2 values/);
      expect(() => F.ctcLoss(lp, padded(), [5, 3, 2], [4, 1, 2])).toThrow(/ctcLoss: target length 4 is more than the targets' size 3/);
      expect(() => F.ctcLoss(lp, i32([1, 2]), [5, 3, 2], [1, 1, 1])).toThrow(/ctcLoss: expected targets to have size 3 \(the target lengths' sum\) at dimension 0, got shape \[2\]/);
      expect(() => F.ctcLoss(lp, i32([[1, 2, 7], [3, 0, 0], [1, 1, 0]]), [5, 3, 2], [3, 1, 2])).toThrow(/ctcLoss: target label 7 is out of range for 4 classes/);
      expect(() => F.ctcLoss(lp, padded(), [5, 3, 2], [3, 1, 2], 4)).toThrow(/ctcLoss: blank must be in label range \[0, 4\), got 4/);
      expect(() => F.ctcLoss(lp, padded().to('float64'), [5, 3, 2], [3, 1, 2])).toThrow(fl.DTypeError);
      expect(() => F.ctcLoss(lp.reshape([60]), padded(), [5, 3, 2], [3, 1, 2])).toThrow(fl.ShapeError);
    });
  });
});

describe('gradcheck (float64) of the other losses', () => {
  const x0 = [[0.3, -1.2, 2.1], [-0.4, 1.7, 0.9]], y0 = [[1.1, -0.6, 0.2], [0.8, -1.3, 2.2]];
  const fns: [string, (x: fl.Tensor, y: fl.Tensor) => fl.Tensor][] = [
    ['klDiv', (x, y) => F.klDiv(x, y.abs(), { reduction: 'batchmean' })],
    ['klDiv logTarget', (x, y) => F.klDiv(x, y, { logTarget: true })],
    ['marginRankingLoss', (x, y) => F.marginRankingLoss(x, y, t64(PM), 0.3)],
    ['cosineEmbeddingLoss', (x, y) => F.cosineEmbeddingLoss(x, y, i32([1, -1]), -0.5)],
    ['tripletMarginLoss', (x, y) => F.tripletMarginLoss(x, y, t64(Z), 2, 2, 1e-6, true)],
    ['tripletMarginWithDistanceLoss', (x, y) => F.tripletMarginWithDistanceLoss(x, y, t64(Z), { margin: 3 })],
    ['poissonNllLoss', (x, y) => F.poissonNllLoss(x, y.abs().add(1.5), { full: true })],
    ['gaussianNllLoss', (x, y) => F.gaussianNllLoss(x, y, x.abs().add(0.5))],
    ['hingeEmbeddingLoss', (x) => F.hingeEmbeddingLoss(x, t64(PM), 1.5)],
    ['softMarginLoss', (x, y) => F.softMarginLoss(x, y)],
    ['multilabelSoftMarginLoss', (x, y) => F.multilabelSoftMarginLoss(x, y, t64([1, 2, 0.5]))],
    ['multiMarginLoss', (x) => F.multiMarginLoss(x, i32([2, 0]), 2, 1.5, t64([1, 2, 0.5]))],
    ['multilabelMarginLoss', (x) => F.multilabelMarginLoss(x, i32([[2, -1, 0], [1, 0, -1]]))],
  ];
  test.each(fns)('%s', (_n, f) => {
    fl.scope(() => {
      expect(fl.gradcheck(f, [t64(x0, true), t64(y0, true)])).toBe(true);
    });
  });
});

describe('modules: reprs, buffers, forward', () => {
  test('repr strings and state dicts are torch\'s', () => {
    // torch 1.13: repr(nn.KLDivLoss()) == 'KLDivLoss()', …; TripletMarginWithDistanceLoss holds a PairwiseDistance child
    const want: [fl.nn.Module, string][] = [
      [new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }), 'KLDivLoss()'], [new nn.MarginRankingLoss(0.5), 'MarginRankingLoss()'],
      [new nn.CosineEmbeddingLoss(), 'CosineEmbeddingLoss()'], [new nn.TripletMarginLoss(), 'TripletMarginLoss()'],
      [new nn.TripletMarginWithDistanceLoss(), 'TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)'],
      [new nn.PoissonNLLLoss(), 'PoissonNLLLoss()'], [new nn.GaussianNLLLoss(), 'GaussianNLLLoss()'], [new nn.HingeEmbeddingLoss(), 'HingeEmbeddingLoss()'],
      [new nn.SoftMarginLoss(), 'SoftMarginLoss()'], [new nn.MultiLabelSoftMarginLoss(), 'MultiLabelSoftMarginLoss()'], [new nn.MultiMarginLoss(), 'MultiMarginLoss()'],
      [new nn.MultiLabelMarginLoss(), 'MultiLabelMarginLoss()'], [new nn.CTCLoss(), 'CTCLoss()'],
    ];
    for (const [m, s] of want) {
      expect(m.toString()).toBe(s);
      expect(Object.keys(m.stateDict())).toEqual([]);
    }
    const w = new nn.MultiMarginLoss({ weight: t64([1, 2, 3]) });
    expect(Object.keys(w.stateDict())).toEqual(['weight']);  // torch: odict_keys(['weight'])
    w.dispose();
    const w2 = new nn.MultiLabelSoftMarginLoss(t64([1, 2, 3]));
    expect(Object.keys(w2.stateDict())).toEqual(['weight']);
    w2.dispose();
    const k = new nn.KLDivLoss({ reduction: 'batchmean' });
    expect([k.reduction, k.logTarget]).toEqual(['batchmean', false]);
  });
  test('the modules compute their functions', () => {
    fl.scope(() => {
      const x = t64(X), y = t64(Y), z = t64(Z), pm = t64(PM);
      const pairs: [fl.Tensor, fl.Tensor][] = [
        [new nn.KLDivLoss({ reduction: 'sum' }).forward(x, t64(P)), F.klDiv(x, t64(P), { reduction: 'sum' })],
        [new nn.MarginRankingLoss(0.5).forward(x, y, pm), F.marginRankingLoss(x, y, pm, 0.5)],
        [new nn.CosineEmbeddingLoss(0.1, { reduction: 'none' }).forward(x, y, i32([1, -1])), F.cosineEmbeddingLoss(x, y, i32([1, -1]), 0.1, { reduction: 'none' })],
        [new nn.TripletMarginLoss(1.5, 1, 1e-6, true).forward(x, y, z), F.tripletMarginLoss(x, y, z, 1.5, 1, 1e-6, true)],
        [new nn.TripletMarginWithDistanceLoss({ swap: true }).forward(x, y, z), F.tripletMarginWithDistanceLoss(x, y, z, { swap: true })],
        [new nn.PoissonNLLLoss(false, true, { eps: 1e-3 }).forward(t64(PX), t64(C)), F.poissonNllLoss(t64(PX), t64(C), false, true, { eps: 1e-3 })],
        [new nn.GaussianNLLLoss({ full: true }).forward(x, y, t64(V)), F.gaussianNllLoss(x, y, t64(V), { full: true })],
        [new nn.HingeEmbeddingLoss(1.25).forward(x, pm), F.hingeEmbeddingLoss(x, pm, 1.25)],
        [new nn.SoftMarginLoss().forward(x, pm), F.softMarginLoss(x, pm)],
        [new nn.MultiLabelSoftMarginLoss(t64([1, 2, 0.5])).forward(x, t64(ML)), F.multilabelSoftMarginLoss(x, t64(ML), t64([1, 2, 0.5]))],
        [new nn.MultiMarginLoss(2, 1.5, t64([1, 2, 0.5])).forward(x, i32([2, 0])), F.multiMarginLoss(x, i32([2, 0]), 2, 1.5, t64([1, 2, 0.5]))],
        [new nn.MultiLabelMarginLoss().forward(x, i32([[2, -1, 0], [1, 0, -1]])), F.multilabelMarginLoss(x, i32([[2, -1, 0], [1, 0, -1]]))],
      ];
      for (const [a, b] of pairs) close(a, vals(b));
    });
  });
});

describe('refusals, typed and naming the op and the shapes', () => {
  test('shapes, dtypes, arguments', () => {
    fl.scope(() => {
      const x = t64(X);
      expect(() => F.marginRankingLoss(t64([1, 2, 3]), t64([[1, 2, 3]]), t64([1, 1, 1]))).toThrow(/marginRankingLoss: all input tensors should have the same number of dims, got input1 \[3\], input2 \[1, 3\], target \[3\]/);
      expect(() => F.cosineEmbeddingLoss(x, x, i32([[1, 1]]))).toThrow(/cosineEmbeddingLoss: 0D or 1D target tensor expected/);
      expect(() => F.cosineEmbeddingLoss(t64([1, 2]), t64([1, 2]), i32([1]))).toThrow(/cosineEmbeddingLoss: 1D target tensor expects 2D input tensors, but found inputs of shapes \[2\] and \[2\]/);
      expect(() => F.tripletMarginLoss(x, t64([1, 2, 3]), x)).toThrow(/tripletMarginLoss: the anchor, positive and negative tensors are expected to have the same number of dims/);
      expect(() => F.softMarginLoss(x, t64([1, 2]))).toThrow(/softMarginLoss: the shapes of input \[2, 3\], target \[2\] do not broadcast/);
      expect(() => F.multiMarginLoss(x, i32([0, 1]), 3)).toThrow(new fl.ValueError('multiMarginLoss: only p == 1 and p == 2 supported, got 3'));
      // (on a GPU the kernel's bound check reports at the next synchronization: dataSync here)
      expect(() => F.multiMarginLoss(x, i32([0, 3])).dataSync()).toThrow(fl.IndexError);
      expect(() => F.multiMarginLoss(x, i32([0]))).toThrow(/multiMarginLoss: inconsistent target size: \[1\] for input of shape \[2, 3\]/);
      expect(() => F.multiMarginLoss(x, t64([0, 1]))).toThrow(fl.DTypeError);
      expect(() => F.multiMarginLoss(fl.zeros([2, 0], o64), i32([0, 1]))).toThrow(/multiMarginLoss: expected a non-empty vector or matrix/);
      expect(() => F.multiMarginLoss(x, i32([0, 1]), 1, 1, t64([1, 2]))).toThrow(/multiMarginLoss: weight must be a 1-D tensor of 3 elements/);
      expect(() => F.multilabelMarginLoss(x, i32([[1, 5, -1], [0, -1, 0]]))).toThrow(/multilabelMarginLoss: target value 5 is out of range for 3 classes/);
      expect(() => F.multilabelMarginLoss(x, i32([[1, -1, 5], [0, -1, 0]]))).toThrow(fl.IndexError);  // after the -1 too, as torch
      expect(() => F.multilabelMarginLoss(x, i32([1, -1, 0]))).toThrow(/multilabelMarginLoss: inconsistent target size/);
      expect(() => F.klDiv(x, i32([[1, 0, 1], [0, 0, 1]]))).toThrow(fl.DTypeError);
      expect(() => F.klDiv(x, x, { reduction: 'avg' as never })).toThrow(/klDiv: reduction must be 'mean', 'sum' or 'none', got 'avg'/);
      expect(() => F.hingeEmbeddingLoss(i32([1, 2]), i32([1, -1]))).toThrow(fl.DTypeError);
      expect(() => F.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: 3 as never })).toThrow(/tripletMarginWithDistanceLoss: distanceFunction must be a function or a module, got 3/);
      expect(() => F.tripletMarginWithDistanceLoss(x, x, x, { distanceFunction: () => 1 as never })).toThrow(/distanceFunction must return a Tensor/);
      expect(() => new nn.MarginRankingLoss({ reduction: 'all' as never })).toThrow(/MarginRankingLoss: reduction must be/);
      expect(() => (F.softMarginLoss as (...a: unknown[]) => unknown)(x, x, 'sum')).toThrow(/softMarginLoss: takes 2 positional arguments/);
      expect(() => (F.poissonNllLoss as (...a: unknown[]) => unknown)(x, x, { logInpt: true })).toThrow(/poissonNllLoss: unknown option 'logInpt' \(did you mean 'logInput'\?\)/);
    });
  });
});

describe('autocast: the losses on torch\'s float32 list compute in float32', () => {
  test('klDiv, marginRankingLoss, softMarginLoss, multiMarginLoss; F.softmin and F.softplus', () => {
    fl.scope(() => {
      const b = (v: unknown): fl.Tensor => fl.tensor(v as number[], { dtype: 'bfloat16', device: DEVICE });
      fl.autocast('bfloat16', () => {
        expect(F.klDiv(b(X), b(P)).dtype).toBe('float32');
        expect(F.marginRankingLoss(b(X), b(Y), b(PM)).dtype).toBe('float32');
        expect(F.softMarginLoss(b(X), b(PM)).dtype).toBe('float32');
        expect(F.multiMarginLoss(b(X), i32([2, 0])).dtype).toBe('float32');
        expect(F.softmin(b(X), 1).dtype).toBe('float32');
        expect(F.softplus(b(X), 2).dtype).toBe('float32');
      });
      expect(F.klDiv(b(X), b(P)).dtype).toBe('bfloat16');
    });
  });
});

describe('crossEntropy (loss.ts) with probability targets and label smoothing, as torch', () => {
  test('goldens', () => {
    fl.scope(() => {
      // torch: F.cross_entropy(x, p, label_smoothing=0.2) with x = X, p = P (float64) = 1.62611819835886;
      //        F.cross_entropy(x, tensor([2, 0]), label_smoothing=0.2) = 1.24611819835886
      close(F.crossEntropy(t64(X), t64(P), { labelSmoothing: 0.2 }), [1.62611819835886]);
      close(F.crossEntropy(t64(X), i32([2, 0]), { labelSmoothing: 0.2 }), [1.24611819835886]);
    });
  });
});
