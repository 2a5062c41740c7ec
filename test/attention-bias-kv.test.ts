// attention-bias-kv.test.ts — MultiheadAttention's addBiasKv and addZeroAttn (torch's add_bias_kv,
// add_zero_attn) against PyTorch 1.13: the state-dict keys and parameter order, the printed form,
// bias_k/bias_v's xavier_normal_ init, the outputs, the attention weights and the gradients of
// every parameter (bias_k and bias_v included), of the inputs and of a float attn_mask, for every
// mask form; then the refusals. Reference: PyTorch 1.13 (CPU, float64), made by this script, whose
// weights and inputs are the same formulas as seq() and wts() below, loaded by state-dict name:
//
//   def seq(n, seed): return torch.tensor([(((i * 7919 + seed * 31) % 23) - 11) / 8 for i in range(n)], dtype=torch.float64)
//   def wts(n): return torch.tensor([(((i * 7919) % 13) - 6) / 4 for i in range(n)], dtype=torch.float64)
//   def run(E, H, kw, q_shape, k_shape, v_shape, args):
//       m = torch.nn.MultiheadAttention(E, H, dtype=torch.float64, **kw)
//       m.load_state_dict({k: seq(v.numel(), i + 1).reshape(v.shape) for i, (k, v) in enumerate(m.state_dict().items())})
//       q, k, v = (seq(prod(s), 40 + j).reshape(s).requires_grad_() for j, s in enumerate((q_shape, k_shape, v_shape)))
//       y, w = m(q, k, v, **args)
//       loss = (y * wts(y.numel()).reshape(y.shape)).sum() + (0 if w is None else 0.5 * (w * wts(w.numel()).reshape(w.shape)).sum())
//       loss.backward()   # -> y, w, p.grad for m.named_parameters(), q.grad, k.grad, v.grad (and attn_mask.grad)
//
// The cases (CASES below gives flintml's side of each):
//   A: run(4, 2, dict(add_bias_kv=True, add_zero_attn=True), [3, 2, 4], [2, 2, 4], [2, 2, 4],
//          dict(attn_mask=tensor([[F, T], [F, F], [T, F]]), key_padding_mask=tensor([[F, F], [F, T]])))
//   B: am = (seq(24, 7).reshape(4, 2, 3) / 2).requires_grad_()
//      run(4, 2, dict(add_bias_kv=True, kdim=3, vdim=5, batch_first=True), [2, 2, 4], [2, 3, 3], [2, 3, 5],
//          dict(attn_mask=am, average_attn_weights=False))
//   C: run(4, 1, dict(add_zero_attn=True, bias=False), [3, 4], [3, 4], [3, 4], dict(attn_mask=torch.ones(3, 3, dtype=torch.bool).triu(1)))
//      (flintml: isCausal, and the same bool mask)
//   D: run(2, 1, dict(add_bias_kv=True, add_zero_attn=True), [2, 2, 2], [2, 2, 2], [2, 2, 2],
//          dict(key_padding_mask=tensor([[F, T], [T, T]]), need_weights=False))   # batch 1: every key padded
//   E: run(2, 2, dict(add_bias_kv=True), [1, 2, 2], [3, 2, 2], [3, 2, 2],
//          dict(key_padding_mask=tensor([[-inf] * 3, [0.5, -1.0, 0.0]], dtype=torch.float64)))
// Values are printed to 13 significant digits; the tolerance is 1e-10 relative (float64).
import * as fl from '../lib';
import { DEVICE } from './helpers';

const { nn } = fl;
const dev = { device: DEVICE };
const vals = (t: fl.Tensor): number[] => Array.from(t.to('cpu').reshape([-1]).toArray() as ArrayLike<number>);
const seq = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 31) % 23) - 11) / 8);
const wts = (n: number): number[] => Array.from({ length: n }, (_, i) => (((i * 7919) % 13) - 6) / 4);
const f64 = (v: number[], shape: number[]) => fl.tensor(v, { dtype: 'float64', ...dev }).reshape(shape);
const seqT = (shape: number[], seed: number) => f64(seq(shape.reduce((a, b) => a * b, 1), seed), shape);
const bools = (v: boolean[], shape: number[]) => fl.tensor(v, { dtype: 'bool', ...dev }).reshape(shape);
const T = true, F = false;

function near(got: number[], want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= 1e-10 * (1 + Math.abs(want[i])))) throw new Error(`${what}[${i}]: expected ${want[i]}, got ${g}`);
  });
}

interface Golden {
  keys: string[]; y: number[]; yShape: number[]; w: number[] | null; wShape: number[] | null;
  grads: Record<string, number[]>; gq: number[]; gk: number[]; gv: number[]; gmask?: number[];
}
// PyTorch 1.13's values (the script above)
const GOLDEN: Record<string, Golden> = {
  A: {
    keys: ["in_proj_weight:[12, 4]", "in_proj_bias:[12]", "bias_k:[1, 1, 4]", "bias_v:[1, 1, 4]", "out_proj.weight:[4, 4]", "out_proj.bias:[4]"],
    y: [-1.8098612908, -2.147483799275, 1.216851256146, .1680553610168, -1.127177779826, -1.188346008212, .7747617119332, -.4800675272752, -2.478398359002, -4.380507996425, 4.203770052921, -.8004477644183, -1.279632043481, -1.990390450868, 1.726828293565, -1.078385570267, -1.771069694601, -2.196599739792, 1.013985951724, .4705436933953, -1.382537141014, -1.53174301677, .1135684456427, .9671889219357],
    yShape: [3, 2, 4],
    w: [.1726884163422, 0, .6170426022014, .2102689814564, .583925683883, .362513133567, .02166344960421, .03189773294581, 0, .3940483085641, .4662646787189, .139687012717, .09543037269657, 0, .2715857370536, .6329838902499, .3083735581616, 0, .2123511724678, .4792752693707, 0, 0, .7578838270834, .2421161729166],
    wShape: [2, 3, 4],
    grads: { 'in_proj_weight': [.7645119227775, .417588065134, -.2793733074792, -.4719133091671, -.3064956040152, .8249111120244, -.3252375944576, -.762451693997, .3690458123192, -.03343817962954, -.445665380685, .4711865855938, 1.222530992029, .1657038452484, -.3137614039728, 1.269343096396, .05126827801479, .3958543196955, -.6279667348363, -.04754661428761, .1539410201582, -.2438365012334, -.04365657869893, .2666945926373, -.338503626208, .367023694746, .5337517723455, -.3178375872571, .04073135624264, -.0645570429578, -.06733010603613, .01474573347959, -.1826456969298, -2.274164205259, 1.218921359734, -.6990399602064, -.4804241360905, 3.472972018162, -1.382632866821, .2389375184289, .6372961833959, .1106913649478, -.1989502203945, -.8201113077892, 1.328312349388, -.01033344190626, -.3330132748596, -1.550325101755], 'in_proj_bias': [.6585197563472, .5376700084978, -.3388241782814, .00453359827963, .3952595692096, -.4510142899163, -.08266415580337, .1039424910522, -2.191955794218, 1.853223297429, -.709898385594, -1.391213516452], 'bias_k': [-.2558396058191, -.8159647156333, 2.047669190009, -.3725591196452], 'bias_v': [-2.193180691392, 2.247727175928, .0314398452857, -2.913775415228], 'out_proj.weight': [.9096203536717, -.9231639461857, 2.123944887343, 2.260384644446, 2.934550617905, .8187694903122, 1.087427222652, .706866564724, -.1534370971454, .2026532988208, -.8314451434471, -.739272924728, -1.543177590676, .2656558783952, -.8496734348245, -1.595347693882], 'out_proj.bias': [-1.75, -2, 1, .75] },
    gq: [-.2137005059563, -.03679552269348, .6730100842171, -.2413959683366, 1.197358716021, 1.374378966207, -.237693088607, -1.710306830415, -.8327340154484, -.136095667306, .2286365065857, .5928409359556, -.2211191243425, .7262009268056, .1686670590954, -.04142300411435, -.4392526026052, -.2872604014075, .09878947069899, .5249768992185, .09421527219496, -.3273792624449, -.4100004805232, .257635006399],
    gk: [.2308388745412, .1758792837986, .05552398494931, .244006231852, -.3363458178391, -.2384757361792, .7869937283683, -.391086624813, -.05895772283777, -.4308697128057, .1681748156644, -.008765176810097, 0, 0, 0, 0],
    gv: [.7439743225117, 1.595990587112, 1.864894359822, .7561502451809, .3651624303461, -.4048861512758, -.9590444995522, .5505094638384, -.701945568615, 1.080961759225, 1.272310344393, -.2895074250677, 0, 0, 0, 0],
  },
  B: {
    keys: ["q_proj_weight:[4, 4]", "k_proj_weight:[4, 3]", "v_proj_weight:[4, 5]", "in_proj_bias:[12]", "bias_k:[1, 1, 4]", "bias_v:[1, 1, 4]", "out_proj.weight:[4, 4]", "out_proj.bias:[4]"],
    y: [.4884234172594, -.7467440774844, .8879383533418, -1.180028662599, .7387682765931, -.3484747081817, .907733480328, -2.329254898991, -3.249833122469, -4.576247537426, 1.768849993167, 2.132324927525, -2.904220923303, -4.303271837994, 1.568973542004, 2.016148841074],
    yShape: [2, 2, 4],
    w: [.3896548233561, .4298188473165, .1126140392369, .06791229009057, .03529722092637, .08831235980277, .220954304312, .6554361149589, .1493834499678, .2123094777997, .3017423574921, .3365647147404, .192197687222, .3067590821461, .4896059668522, .01143726377961, .004857572273547, .2608461308059, .7017046592306, .03259163768995, .2205192367163, .4104850876191, .3358908366618, .03310483900279, .6562653207587, .1293242031529, .2025265517575, .01188392433095, .5947287739858, .168350450147, .2260163379598, .01090443790742],
    wShape: [2, 2, 2, 4],
    grads: { 'q_proj_weight': [1.483149449777, .08265679597482, -.7693437852263, 1.582419336963, -1.549257620702, .08496633084039, .80320670116, -1.759341244767, 1.323196006569, -.5435153541278, -.5269668215336, 1.213734934513, .6286436847715, -.4961076713955, .3672039632668, .4122528728969], 'k_proj_weight': [-1.736346928621, -.03815262319983, 1.522052485762, 1.169866450324, .1465770624494, -.3191305819581, 6.238959087857, 1.275004450493, .3806343750804, -.6149369428203, .07610578205549, .3352008057691], 'v_proj_weight': [.8187751151942, 1.603193711477, -1.129031072955, 1.217115492683, -.177075828528, 1.001429140232, -.5395353984352, -.7865495423172, 1.765077479873, -.9076917088704, -.4942430555968, -.3876131720602, .5853682745206, -.5610491640899, -.3272277843641, 1.018078827278, 2.935617670033, -1.768937293774, .6758943682306, 1.873539974895], 'in_proj_bias': [-.3970795487436, .8403344962582, .4378442882247, .8655632474982, 1.783091553099, -.5322373078942, -1.022137229043, .2961085985299, -1.593361509955, -3.054593358564, .2672244339724, 1.368737836188], 'bias_k': [-1.783091553099, .5322373078942, 1.022137229043, -.2961085985299], 'bias_v': [2.187111509955, .3045933585639, .8265255660276, -.02498783618791], 'out_proj.weight': [-.24153471135, -.5704129069516, .781117658471, -.6809669720373, -2.088772381468, 2.893903019376, -4.187199331339, 1.907035870622, -1.753761717031, 1.388492699534, -2.223816502771, 3.475752050127, 1.308143601942, -.7177989026827, 1.274258096745, -3.36257339265], 'out_proj.bias': [-.5, -1.75, .25, -1] },
    gq: [-.4309366115366, -1.376308348617, .8270762945122, 1.078481621673, .2864308395883, .9849301124046, -2.299282197126, .6683889062572, -.4014447454954, .2434503688536, .2156284315475, -.06702856118076, .09790325917363, -.03059204672425, .190425553074, -.0760605092719],
    gk: [.5180430961062, -6.627869241811, 3.528635508293, .8979919302366, 16.08587274119, -14.35272105987, -.6464085656849, -13.02146723533, 10.90881547418, -.2580131550181, -1.964886907374, 1.424066073909, -.002747817374268, 2.392677450911, -1.012309784527, .2411970135142, -.7814301081134, -.3368525267317],
    gv: [.3111210764367, -.06906561871252, .1293457310429, -.2021300482615, .03955915133012, .3250397999989, .2774931408459, -.06396512172046, .1539389560678, .2910779006039, -.04472118116823, 1.575779968496, -.8587624523556, 1.452187848319, 1.11277964002, -.502473075192, -1.286322159534, .9109509015175, -1.217985154787, -1.062365278294, .705134204383, -.4827707587607, .1810221642632, -1.13407429507, -.1433693407197, .6466019236964, -1.209905347743, .71795910511, -1.439150749646, -.6794746987606],
    gmask: [-1.438556873042, 1.692210264539, -.3947517903247, .0735942322475, .5234513549829, .5630723250545, -.8418161308484, 1.856356765655, -1.806481067088, 1.644202868436, -5.822412472965, 4.342653081774, .0002682923724109, -.2376508612362, .2508438909205, -.1985186054742, .2199389598909, -.1185255701818, .9932884024134, -.9054118655878, -.05520586621432, -.4331907761572, .4398048708447, -.04036178632344],
  },
  C: {
    keys: ["in_proj_weight:[12, 4]", "out_proj.weight:[4, 4]"],
    y: [-.09508628648625, -.1463583037092, .3312483052103, .2799762879873, -1.164422844354, -1.793936632935, 4.060728868484, 3.431215079903, -1.169857060734, -1.807067873986, 4.082209919313, 3.444999106061],
    yShape: [3, 4],
    w: [.07954931157019, 0, 0, .9204506884298, .9754187196698, .0006607535346518, 0, .02392052679559, .981634558813, .0004560196505108, .005388478401046, .01252094313544],
    wShape: [3, 4],
    grads: { 'in_proj_weight': [.03570225619218, .0139895566554, .2029934377423, -.01829885268979, -.01971074482077, .002394374011664, -.04398339585859, -.006459953429272, -.02430716954724, .00728058241083, -.03619944747829, -.01188430386463, -.01565945858869, -.0176507096738, -.1618756526799, .02554766798448, -.08142767530217, .08005850912233, .1218330732863, -.0912480486792, .04121722183736, -.03010225400388, -.06666781747431, .05161192713631, .01809810068134, -.03662036403197, -.01688931729663, .01164348112423, .0006675035530298, -7.683789126301e-5, -.001446002362531, .0008801725371134, -.3305733881839, -1.127654891426, .674827468778, -.1229655983329, -.1733674805063, -.5426129597482, .3284444071049, -.04302679579045, .3094416627021, 1.06236647593, -.6352767939682, .1183311597998, -.468518857672, -1.586220444477, .9501763833703, -.1690678713587], 'out_proj.weight': [.5061195493706, .2755832118319, -.7423039903727, .3446960155433, -.895363267123, -.4888222006324, 1.322407869924, -.6085249110401, -2.296846083617, -1.253227613097, 3.387119730221, -1.561745837623, .6648348474988, .3633726004582, -.9856441409685, .45181129427] },
    gq: [.01173828777931, .06395935341213, .1095955259005, -.1239677709376, .006060401411524, .004916899407067, .002083541577283, -.007730519954516, .07110802235802, .117814552401, .1823169770662, -.2403972783852],
    gk: [-.06006324028404, -.03149474632303, .154606074422, -.06734837674606, .002665188836654, .0009038647770226, -.003276852894292, .002989903417413, .04508651265162, .04056170134608, -.07621075041758, .04637931588178],
    gv: [.3865216457842, 2.506060250456, -1.481293451116, .8254080680428, .00029278706208, .000679902623281, -.00115879027942, .0006229448799761, -.0005051698500981, .02218537591681, .0003367799000654, -.001178729650229],
  },
  D: {
    keys: ["in_proj_weight:[6, 2]", "in_proj_bias:[6]", "bias_k:[1, 1, 2]", "bias_v:[1, 1, 2]", "out_proj.weight:[2, 2]", "out_proj.bias:[2]"],
    y: [-1.277194771522, -.1904084183212, -1.498013916162, -.09357480935144, -1.535578350852, -.0784219448245, -1.64143787607, -.03342927777725],
    yShape: [2, 2, 2],
    w: null,
    wShape: null,
    grads: { 'in_proj_weight': [.1037764815495, -.5283076337933, -.1379695860982, -.05851784788679, -.01882594360351, .007530377441406, .06892072048385, -.02756828819354, -.1339843381214, -.4466144604046, .2424721914116, .8082406380387], 'in_proj_bias': [.1939775263725, -.07339671556496, .03012150976562, -.1102731527742, -.3572915683237, .6465925104309], 'bias_k': [.1364307818662, -.1318507217591], 'bias_v': [.5110462428689, -.7908651560377], 'out_proj.weight': [-.2264852455037, .3162263520311, .05148563972014, -.2788396287733], 'out_proj.bias': [0, -1.25] },
    gq: [-.1894760096574, .03586336714247, -.003801574557461, -.03167978797884, .003437599152693, .0038620581615, .01617792877071, .1348160730892],
    gk: [.1040193861188, .03388669848633, 0, 0, 0, 0, 0, 0],
    gv: [-.4742782498909, .8060733333834, 0, 0, 0, 0, 0, 0],
  },
  E: {
    keys: ["in_proj_weight:[6, 2]", "in_proj_bias:[6]", "bias_k:[1, 1, 2]", "bias_v:[1, 1, 2]", "out_proj.weight:[2, 2]", "out_proj.bias:[2]"],
    y: [-2.09375, .15625, -.78594064433, -.3988195933165],
    yShape: [1, 2, 2],
    w: [0, 0, 0, 1, .4838604688341, .03798390821363, .261880341715, .2162752812373],
    wShape: [2, 1, 4],
    grads: { 'in_proj_weight': [.01270578047308, .1016462437847, .004054769867012, .03243815893609, -.1105823285485, .0830264401042, .1396476889657, -.1066624799536, -.01128309117574, -.2871255629955, -.314684113578, .08277734453576], 'in_proj_bias': [.1016462437847, .03243815893609, .05843759146698, .08385429138657, -.3152485392226, .4542416664157], 'bias_k': [-.05843759146698, -.08385429138657], 'bias_v': [-.8097514607774, 1.545758333584], 'out_proj.weight': [.2870276596764, -.8546596619262, .25, -.625], 'out_proj.bias': [-2, -1] },
    gq: [0, 0, .006485127117882, .03054927255727],
    gk: [0, 0, -.1096839334529, -.05575142978574, 0, 0, .001571954671127, .001500641624125, 0, 0, .04934887168523, .119993078562],
    gv: [0, 0, -.1986989148741, .3866509946154, 0, 0, -.02420179877599, .03191707873903, 0, 0, -.1665021747736, .2199875747808],
  },
};

interface Case {
  E: number; H: number; opts: fl.nn.MultiheadAttentionOptions; q: number[]; k: number[]; v: number[];
  /** The forward's options (made inside the test's scope). */
  args: () => fl.nn.MultiheadAttentionForwardOptions;
}
const CASES: Record<string, Case> = {
  A: {
    E: 4, H: 2, opts: { addBiasKv: true, addZeroAttn: true }, q: [3, 2, 4], k: [2, 2, 4], v: [2, 2, 4],
    args: () => ({ attnMask: bools([F, T, F, F, T, F], [3, 2]), keyPaddingMask: bools([F, F, F, T], [2, 2]) }),
  },
  B: {
    E: 4, H: 2, opts: { addBiasKv: true, kdim: 3, vdim: 5, batchFirst: true }, q: [2, 2, 4], k: [2, 3, 3], v: [2, 3, 5],
    args: () => ({ attnMask: seqT([4, 2, 3], 7).div(2).requiresGrad_(true), averageAttnWeights: false }),
  },
  C: {
    E: 4, H: 1, opts: { addZeroAttn: true, bias: false }, q: [3, 4], k: [3, 4], v: [3, 4],
    args: () => ({ isCausal: true }),
  },
  'C (the causal mask given)': {
    E: 4, H: 1, opts: { addZeroAttn: true, bias: false }, q: [3, 4], k: [3, 4], v: [3, 4],
    args: () => ({ attnMask: bools([F, T, T, F, F, T, F, F, F], [3, 3]) }),
  },
  D: {
    E: 2, H: 1, opts: { addBiasKv: true, addZeroAttn: true }, q: [2, 2, 2], k: [2, 2, 2], v: [2, 2, 2],
    args: () => ({ keyPaddingMask: bools([F, T, T, T], [2, 2]), needWeights: false }),
  },
  E: {
    E: 2, H: 2, opts: { addBiasKv: true }, q: [1, 2, 2], k: [3, 2, 2], v: [3, 2, 2],
    args: () => ({ keyPaddingMask: f64([-Infinity, -Infinity, -Infinity, 0.5, -1, 0], [2, 3]) }),
  },
};

describe('MultiheadAttention addBiasKv / addZeroAttn match PyTorch 1.13 (float64)', () => {
  for (const [name, c] of Object.entries(CASES)) {
    const g = GOLDEN[name.split(' ')[0]];
    test(`case ${name}: keys, outputs, weights and every gradient`, () => {
      fl.scope(() => {
        const m = new nn.MultiheadAttention(c.E, c.H, { dtype: 'float64', ...dev, ...c.opts });
        // the state dict's keys and shapes in torch's order, and parameters() in the same order
        const sd = m.stateDict();
        expect(Object.entries(sd).map(([k, t]) => `${k}:[${t.shape.join(', ')}]`)).toEqual(g.keys);
        expect(m.namedParameters().map(([k]) => k)).toEqual(g.keys.map((k) => k.split(':')[0]));
        m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, t], i) => [k, seqT(t.shape, i + 1)])));
        const [q, k, v] = [c.q, c.k, c.v].map((s, j) => seqT(s, 40 + j).requiresGrad_(true));
        const args = c.args();
        const [y, w] = m.forward(q, k, v, args);
        expect(y.shape).toEqual(g.yShape);
        near(vals(y), g.y, 'y');
        let loss = y.mul(f64(wts(y.numel), y.shape)).sum();
        if (g.w === null) expect(w).toBeNull();
        else {
          expect(w!.shape).toEqual(g.wShape);
          near(vals(w!), g.w, 'weights');
          loss = loss.add(w!.mul(f64(wts(w!.numel), w!.shape)).sum().mul(0.5));
        }
        loss.backward();
        for (const [pn, p] of m.namedParameters()) near(vals(p.grad!), g.grads[pn], `${pn}.grad`);
        near(vals(q.grad!), g.gq, 'query.grad');
        near(vals(k.grad!), g.gk, 'key.grad');
        near(vals(v.grad!), g.gv, 'value.grad');
        if (g.gmask) near(vals(args.attnMask!.grad!), g.gmask, 'attnMask.grad');
      });
    });
  }
});

describe('MultiheadAttention addBiasKv / addZeroAttn: construction', () => {
  test('parameters, printed form and positional arguments as torch', () => {
    fl.scope(() => {
      const m = new nn.MultiheadAttention(4, 2, { addBiasKv: true, addZeroAttn: true, ...dev });
      // torch: print(torch.nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True))
      expect(String(m)).toBe('MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n)');
      expect(m.bias_k!.shape).toEqual([1, 1, 4]);
      expect(m.bias_v!.requiresGrad).toBe(true);
      expect(m.addZeroAttn).toBe(true);
      // [q_proj_weight, k_proj_weight, v_proj_weight, bias_k, bias_v, out_proj.weight] in torch with bias=False, kdim=3, vdim=5
      const s = new nn.MultiheadAttention(4, 2, { bias: false, addBiasKv: true, kdim: 3, vdim: 5, ...dev });
      expect(s.namedParameters().map(([k]) => k)).toEqual(['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'bias_k', 'bias_v', 'out_proj.weight']);
      // the defaults: neither
      const d = new nn.MultiheadAttention(4, 2, dev);
      expect(d.bias_k).toBeUndefined();
      expect(d.addZeroAttn).toBe(false);
      expect(Object.keys(d.stateDict())).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
      // torch's positional order: (embed_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim, vdim, batch_first)
      const p = new nn.MultiheadAttention(4, 2, 0, true, true, true, 3, 5, true);
      expect([p.bias_k!.shape, p.addZeroAttn, p.kdim, p.vdim, p.batchFirst]).toEqual([[1, 1, 4], true, 3, 5, true]);
    });
  });

  test('bias_k and bias_v are xavier_normal_: N(0, 1/E) for shape [1, 1, E]', () => {
    fl.scope(() => {
      fl.manualSeed(3);
      const E = 1024;
      const m = new nn.MultiheadAttention(E, 1, { addBiasKv: true, kdim: 1, vdim: 1 });
      for (const p of [m.bias_k!, m.bias_v!]) {
        const x = vals(p);
        const mean = x.reduce((a, b) => a + b, 0) / E;
        const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / E);
        // fan_in = fan_out = E, std = sqrt(2 / (2E)); the estimates' standard errors are ~2.2 % of it
        // (the std) and 1/sqrt(E) of it (the mean), so these bounds are ~4.5 and ~4 standard errors
        expect(Math.abs(sd * Math.sqrt(E) - 1)).toBeLessThan(0.1);
        expect(Math.abs(mean * Math.sqrt(E))).toBeLessThan(0.125);
      }
      expect(vals(m.bias_k!)).not.toEqual(vals(m.bias_v!));
      expect(vals(m.in_proj_bias!).every((b) => b === 0)).toBe(true);
    });
  });
});

describe('MultiheadAttention addBiasKv / addZeroAttn: refusals', () => {
  test('options, mask shapes and state dicts are checked', () => {
    fl.scope(() => {
      expect(() => new nn.MultiheadAttention(4, 2, { addBiasKv: 'yes' as unknown as boolean })).toThrow(new fl.ValueError("MultiheadAttention: addBiasKv must be a boolean, got 'yes'"));
      expect(() => new nn.MultiheadAttention(4, 2, { add_zero_attn: true } as never)).toThrow(/MultiheadAttention: unknown option 'add_zero_attn' \(did you mean 'addZeroAttn'\?\)/);
      const m = new nn.MultiheadAttention(4, 2, { addBiasKv: true, addZeroAttn: true, ...dev });
      const x = fl.zeros([3, 2, 4], dev);
      // the masks keep the key length S the caller gave (torch checks them before padding)
      expect(() => m.forward(x, x, x, { attnMask: fl.zeros([3, 4], { dtype: 'bool', ...dev }) })).toThrow(fl.ShapeError);
      expect(() => m.forward(x, x, x, { attnMask: fl.zeros([3, 4], { dtype: 'bool', ...dev }) })).toThrow(/MultiheadAttention: attnMask must have shape \[3, 3\] or \[4, 3, 3\], got \[3, 4\]/);
      expect(() => m.forward(x, x, x, { keyPaddingMask: fl.zeros([2, 5], { dtype: 'bool', ...dev }) })).toThrow(/MultiheadAttention: keyPaddingMask must have shape \[2, 3\], got \[2, 5\]/);
      // strict loading: bias_k/bias_v must be there exactly when addBiasKv is
      const plain = new nn.MultiheadAttention(4, 2, dev);
      expect(() => plain.loadStateDict(m.stateDict())).toThrow(/unexpected keys \[bias_k, bias_v\]/);
      expect(() => m.loadStateDict(plain.stateDict())).toThrow(/missing keys \[bias_k, bias_v\]/);
      expect(() => m.loadStateDict({ ...m.stateDict(), bias_k: fl.zeros([1, 4], dev) })).toThrow(fl.ShapeError);
    });
  });
});
