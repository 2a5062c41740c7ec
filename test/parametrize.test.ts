// parametrize.test.ts — fl.nn.utils.parametrize (registerParametrization, removeParametrizations,
// isParametrized, cached), nn.utils.parametrizations.weightNorm / spectralNorm, the legacy
// nn.utils.weightNorm / spectralNorm hooks, parametersToVector / vectorToParameters, fusion and
// functionalCall (lib/nn/parametrize.ts, lib/nn/utils-extra.ts).
// References: PyTorch 1.13 golden values (G below, float64; made by the script at the end of this
// file, with the torch call beside each test), finite differences (fl.gradcheck), and float64 math
// written here. Tolerance: float64's TOL scaled by 100. Runs on DEVICE (the CPU, or the emulated
// GPU under scripts/test-emu.js); every test leaves the live-tensor count where it found it.
import * as fl from '../lib';
import { DEVICE, expectClose } from './helpers';

// torch 1.13 goldens (python script at the end of this file)
const G = {
  "wn_0": {"keys":["bias","weight_g","weight_v"],"g":[2.29128784747792,1.69558249578132,2.29128784747792,1.12249721603218],"gshape":[4,1],"w":[0.5,-1.0,2.0,1.5,0.25,-0.75,-2.0,1.0,0.5,0.3,0.6,-0.9],"y":[-3.4,2.55,-0.2,2.0,3.85,-0.7,-0.45,-1.9],"gg":[-3.98247649680686,-3.31744401348519,-0.763762615825973,7.08242291067925],"gv":[1.11904761904762,1.01190476190476,0.226190476190476,1.05978260869565,-3.63586956521739,0.907608695652174,0.833333333333333,0.333333333333333,2.66666666666667,0.857142857142857,2.46428571428571,1.92857142857143],"gb":[-0.5,-1.75,2.5,2.5],"gx":[-2.6,0.8,1.05,-4.525,3.2625,-1.7375]},
  "wn_1": {"keys":["bias","weight_g","weight_v"],"g":[2.56709953059869,1.55643824162734,2.37118114027588],"gshape":[1,3],"w":[0.5,-1.0,2.0,1.5,0.25,-0.75,-2.0,1.0,0.5,0.3,0.6,-0.9],"y":[-3.4,2.55,-0.2,2.0,3.85,-0.7,-0.45,-1.9],"gg":[-1.89416107246375,-0.0200778926938512,-1.54195305364761],"gv":[0.618930197268589,2.73710010319917,-1.94942196531792,-0.768209408194234,-4.12177502579979,1.88728323699422,0.0242792109256449,0.0128998968008256,2.82514450867052,2.97135811836115,6.2577399380805,-4.33526011560694],"gb":[-0.5,-1.75,2.5,2.5],"gx":[-2.6,0.8,1.05,-4.525,3.2625,-1.7375]},
  "wn_None": {"keys":["bias","weight_g","weight_v"],"g":[3.82557185267771],"gshape":[],"w":[0.5,-1.0,2.0,1.5,0.25,-0.75,-2.0,1.0,0.5,0.3,0.6,-0.9],"y":[-3.4,2.55,-0.2,2.0,3.85,-0.7,-0.45,-1.9],"gg":[-2.23495998226132],"gv":[0.542107960368979,2.16578407926204,-2.08156815852409,-0.998676118893064,-3.97894601981551,1.93683805944653,0.331568158524086,0.584215920737957,2.79210796036898,2.92526477622139,6.60052955244277,-4.27579432866416],"gb":[-0.5,-1.75,2.5,2.5],"gx":[-2.6,0.8,1.05,-4.525,3.2625,-1.7375]},
  "sn_1": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0._u","parametrizations.weight.0._v"],"y1":[-1.26578375983012,0.873115811295091,0.104888034309984,0.536537435312079,1.56333974267512,-0.395111965690016,0.00733205146497529,-0.985335897070049],"u1":[0.654826754939508,-0.294672039722779,0.654826754939508,-0.235737631778223],"v1":[-0.583372868374595,-0.083941299720129,0.807855156971652],"gw":[-0.39979909603277,1.00155157852621,-0.579490115192687,-0.507860085842562,-1.57746981219664,0.616849889220989,0.0879808181922713,-0.0715642327688787,1.6642974902425,1.25216363969109,2.464662694922,-1.71128530092039],"gx":[-1.01458222158809,0.312179145104026,0.409735127949035,-1.76576328949465,1.27310557612736,-0.678014080772807],"y3":[-1.18107836156985,0.806561569804879,0.116988805490022,0.478453733647894,1.47258395882483,-0.383011194509978,0.025483208235033,-0.949033583529934],"u3":[0.473680809201653,-0.574686770024832,0.571368086277396,-0.34481896313312],"v3":[-0.684963908143165,-0.0925582019927657,0.722673801784116],"yeval":[-1.18107836156985,0.806561569804879,0.116988805490022,0.478453733647894,1.47258395882483,-0.383011194509978,0.025483208235033,-0.949033583529934],"ueval":[0.473680809201653,-0.574686770024832,0.571368086277396,-0.34481896313312]},
  "sn_2": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0._u","parametrizations.weight.0._v"],"y1":[-1.18469354079654,0.809402067768708,0.11647235131478,0.480932713689054,1.47645736513915,-0.38352764868522,0.0247085269721706,-0.950582946055659],"u1":[0.519134392097093,-0.553782608556931,0.548176710856427,-0.351178870486951],"v1":[-0.650720696411404,-0.117498311909158,0.750171128450273],"gw":[-0.29737407343796,0.939136827487818,-0.744319402519395,-0.273118831629511,-1.43914819855669,0.393204739108024,0.139675219420123,-0.0741961405198346,1.39134549552221,1.27264220266751,2.34162793948375,-1.67992880863168],"gx":[-0.954343773163142,0.293644237896351,0.385408062238961,-1.66092522060124,1.19751790767106,-0.637758579181138],"y3":[-1.17418704592787,0.801146964657611,0.117973279153162,0.473728260064825,1.46520040635129,-0.382026720846838,0.0269599187297423,-0.946080162540515],"u3":[0.37270381183064,-0.591102834702918,0.644110541070931,-0.311144529655266],"v3":[-0.757910769019726,-0.0229556435944656,0.651954219735627],"yeval":[-1.17418704592787,0.801146964657611,0.117973279153162,0.473728260064825,1.46520040635129,-0.382026720846838,0.0269599187297423,-0.946080162540515],"ueval":[0.37270381183064,-0.591102834702918,0.644110541070931,-0.311144529655266]},
  "sn_conv": {"w":[-0.448106494956343,-0.313176650363933,-0.205133195468904,-0.120988753638212,-0.0577559482388175,-0.0124474026376762,0.0179242597982537,0.0363464157020145,0.0458064417066484,0.0492917144451977,0.0497896105507047,0.0502875066562118,0.0537727793947611,0.063232805399395,0.0816549613031558,0.112026623739086,0.157335169340227,0.220567974739622,0.304712416570313,0.412755871465342,0.547685716057752,0.712489326980585,0.910154080866883,1.14366735434969],"u":[-0.991795903780295,-0.127831472042794],"v":[0.451813214037642,0.312198488792866,0.201158978480133,0.115349934439195,-0.0523044947972694,-0.0569704630726553,-0.0598192056979849,-0.0641954713335067,-0.22605584777269,-0.30983697333458,-0.418558862528401,-0.555566264014401],"ushape":[2],"vshape":[12]},
  "sn_legacy": {"keys":["bias","weight_orig","weight_u","weight_v"],"y1":[-1.2147036776978,0.832981461048268,0.112185188900315,0.501511093278488,1.50861108324764,-0.387814811099685,0.0182777833504724,-0.963444433299055],"u1":[0.685126092698155,-0.50300396679105,0.329554323069998,-0.411075655618893],"v1":[-0.415581386885649,-0.369405677231688,0.831162773771298],"gw":[-0.249581233660113,0.727658226194974,-0.533818993728042,-0.452124009039295,-1.32531082927505,0.387757287554455,0.398222049881608,-0.146864340815508,1.26951882233332,1.23907464457424,2.53087907965804,-1.82079745029958],"gx":[-0.976637017718362,0.300503697759496,0.394411103309339,-1.69972404045215,1.22549164242544,-0.652656468571406],"y3":[-1.19849285396446,0.820244385257788,0.11450102086222,0.490395099861342,1.49124234353335,-0.38549897913778,0.0217515312933306,-0.956496937413339],"u3":[0.61345282623761,-0.531545047337759,0.438103829718813,-0.386264840514248],"v3":[-0.498931294688723,-0.234183869043684,0.834401269569962],"removed_keys":["bias","weight"],"removed_w":[0.18549897913778,-0.370997958275559,0.741995916551119,0.556496937413339,0.0927494895688898,-0.278248468706669,-0.741995916551119,0.370997958275559,0.18549897913778,0.111299387482668,0.222598774965336,-0.333898162448003]},
  "train_keys": ["bias","parametrizations.weight.original0","parametrizations.weight.original1"],
  "train": {"losses":[5.7159375,4.12267000252238,2.16182460520267],"g":[0.958630868351394,1.36503127688485,2.2031275535507,0.398564784462119],"v":[1.12916245246208,-0.366248807090644,2.10880823361826,1.7171003713289,-0.169534720563992,-0.394378179705022,-1.83348487119755,1.23956921076082,0.656717705521629,0.55810236628018,0.577362639791494,-0.81778938022324],"b":[0.276610490849838,-0.165209173827819,0.639120088409051,-0.13723366280474],"w":[0.447300323979726,-0.145083827142521,0.835371920180143,1.32427505340449,-0.130749841347389,-0.304155303738153,-1.74974470129107,1.18295476144053,0.626723647155033,0.194079799528599,0.200777549346175,-0.284385819806154],"removed_keys":["bias","weight"]},
  "fuse_conv": {"w":[-0.954591768125402,-0.667153580167642,-0.436990898297406,-0.257739777393858,-0.123036272336163,-0.0265164380034835,0.038183670725016,0.0774279989701715,-0.0650531733406816,-0.0700028713122552,-0.07070997102248,-0.0714170707327048,-0.0763667687042784,-0.0898016631985496,-0.115964352476867,-0.15909743480058,0.516024119068793,0.723413559327453,0.999388483766143,1.3537468186963,1.79628649042934,2.33680542527672,2.98510154954985,3.75097278956018],"b":[-0.124263008055734,-0.84851965226976,-1.09814324521467]},
  "fuse_linear": {"w":[0.530328760069668,-1.06065752013934,2.12131504027867,-1.0606495653372,-0.1767749275562,0.5303247826686,-3.26597543714426,1.63298771857213,0.816493859286064,0.29999850001125,0.5999970000225,-0.89999550003375],"b":[-0.124263008055734,-0.56567976817984,-0.118350614071394,-0.299998000015]},
  "fcall": {"y":[-6.9,5.3,-0.7,4.4,7.6,-1.2,-1.2,-3.4],"gw":[0.25,2.75,-3.25,-1.875,-4.125,2.375,1.5,0.0,2.5,2.75,6.25,-3.75]},
};

// torch 1.13 goldens of parametrizations.orthogonal (the second python script at the end of this file)
const GO: Record<string, Record<string, any>> = {
  "sq_matrix_exp": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"w0":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"base":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"orig":[-1.0,0.0,0.0,0.0,-1.0,0.0,0.0,0.0,-1.0],"w2":[0.296959790804134,-0.610748025491379,0.73403115193018,0.666844268552678,0.68285076365659,0.298384912607955,-0.683471728854975,0.400876145376592,0.610053040254695],"orig2":[-1.0,0.0,0.0,0.0201447610950937,-1.0,0.0,0.161979220259325,0.155264299894294,-1.0]},
  "sq_cayley": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"w0":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"base":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"orig":[-1.0,0.0,0.0,0.0,-1.0,0.0,0.0,0.0,-1.0],"w2":[0.296340332679593,-0.611375654832649,0.733758963083448,0.666482782527357,0.682658965092818,0.29962883368093,-0.684092908764547,0.40024560716684,0.609770732424662],"orig2":[-1.0,0.0,0.0,0.0201118022687292,-1.0,0.0,0.161714206195868,0.155010272106291,-1.0]},
  "sq_householder": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"w0":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"base":[0.196116135138184,-0.715280598786711,0.67075489304051,0.588348405414552,0.633064438006629,0.503066169780382,-0.784464540552736,0.295978178808294,0.544988350595414],"orig":[-1.0,0.0,0.0,0.0,-1.0,0.0,0.0,0.0,-1.0],"w2":[0.49630984605014,-0.380936887114088,0.7801048806087,0.780146237175375,0.589909862935783,-0.208274343672448,-0.380852183051102,0.711964494653289,0.589964552340474],"orig2":[-1.0,0.0,0.0,0.0141006626779176,-1.0,0.0,0.279126848494614,0.273625521750134,-1.0]},
  "ns_3x5_householder": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.553210852942685,-0.716683913082849,0.256975108967711,-0.114839607987189,0.31795845439784,-0.0667320671734799,-0.2060454830238,0.569667149803124,0.468698867367962,-0.639447261546578,-0.233058216472939,0.16742637142041,0.635111457621205,-0.717058954180759,0.0105910582526949,0.0542324050443084,0.403731650249782,0.453308032421961,0.487379738206381,0.625325850542985,0.795139797378262,0.502870353464316,0.0242568742053855,-0.124180043406398,-0.314428101646942],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[0.106232106786352,0.0,0.0,-0.150447930488425,0.0,0.0,-0.165026246247554,0.0,0.0,0.44843052994774,0.0,0.0,-0.85892756246363,0.0,0.0],"y":[-0.388094817933833,-0.2079617895287,0.728248373062436,-0.125574092316775,0.699439569521522,-0.260616289790211,-0.388499306114809,0.530216877565371,0.412542543620513,-0.331273505434834],"g":[0.0,0.0,0.0,0.0118687316570292,0.0,0.0,1.27090129639624,-3.91885261677591e-16,0.0,-0.313942420532324,6.28492770164704e-17,-2.40524359883863e-17,-0.590512970118832,2.24948498096444e-17,-5.58014133910624e-17],"b":[-0.281862711147481,-0.358409720017124,0.563222126814882,0.322856437630965,-0.159487992942108]},
  "ns_3x5_matrix_exp": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.553210852942685,-0.716683913082849,0.256975108967711,-0.0179405180440808,0.33758532565564,-0.0667320671734799,-0.2060454830238,0.569667149803124,0.263657870086574,-0.747700445441113,-0.233058216472939,0.16742637142041,0.635111457621205,-0.683330501995243,0.217589382389502,0.0542324050443084,0.403731650249782,0.453308032421961,0.64744946590708,0.457581268921778,0.795139797378262,0.502870353464316,0.0242568742053855,-0.209836315954333,-0.265055531525806],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[0.513740665219264,-0.611796739821003,-0.192560804209973,0.0530999044520837,-0.570807020755482,0.460293135325243,-0.31989247720391,-0.42318422251138,0.208676941297078,-0.774006952659534,-0.307623281639205,-0.357937391171261,0.178417962409318,-0.161762556271861,-0.761173649325088],"y":[-0.211379968956652,0.0519283200845653,0.16591288802981,0.914429136468832,0.0912871281221908,-0.560120223530706,-0.016968457089221,-0.475366822072045,-0.813052014095168,-0.802134763702966],"g":[0.0,0.0,0.0,-1.17581502626622,0.0,0.0,0.91370823289221,-1.02867317843529,0.0,-0.163301609718183,0.678660281831041,0.496511094800252,-0.274215218155256,1.25721695334046,0.612963342923842],"b":[-0.103229508471984,-0.145397360851591,-0.366154734421513,-0.115739263408477,0.0204128269033753]},
  "ns_3x5_cayley": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.553210852942685,-0.716683913082849,0.256975108967711,-0.0922060326227372,0.325244157262954,-0.0667320671734799,-0.2060454830238,0.569667149803124,0.422592362274797,-0.670810795916728,-0.233058216472939,0.16742637142041,0.635111457621205,-0.714540891087972,0.0609674441724629,0.0542324050443084,0.403731650249782,0.453308032421961,0.530128825842497,0.589520870353446,0.795139797378262,0.502870353464316,0.0242568742053855,-0.145974264406587,-0.304921675872133],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[0.819668050084995,-0.321388800278841,0.172840111383857,-0.211158271069621,-0.678594229874118,0.212971181959657,-0.466698492285045,-0.491849453084883,0.0491050722466927,-0.256194101637216,0.430899785725378,0.325583137240306,-0.0106570077374108,-0.0928902599781312,-0.903523040202036],"y":[-0.72497060063209,0.614472705385134,0.348855054683878,0.11490507299316,-0.279732342984082,0.0803726327959233,-0.197664877395764,-0.742476393064004,0.715251658587323,-1.48821671248518],"g":[0.0,0.0,0.0,-1.11227993951341,0.0,0.0,1.33912266117293,-0.565353386599897,0.0,-0.520829125432538,0.021909347156503,-0.180280093385159,-0.87629198980623,0.192046925058585,-0.462902826574512],"b":[-0.0635678084376281,0.0387521327829733,-0.403132095002758,0.182367470239232,-0.526828114748779]},
  "ns_5x3_householder": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.837811628183921,0.208283176106031,0.37470532414856,0.242262918178973,-0.235784632156387,0.448522333018287,-0.401964308911416,-0.0931717906545342,-0.389134690988528,0.690757280700458,0.135564272198856,-0.663952789491946,-0.162798363454132,-0.286173436108252,-0.657564049163053,-0.101062554274372,-0.57768226563556,0.165825605749767,0.770699272466198,0.18599478485028,-0.261358146401398,-0.143152737342258,0.892700116957161,-0.33765406354839,0.0165966157687021],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[-0.760706539330798,0.0255962265191103,0.642961419134038,0.000825417977309418,-0.0852662090024509,0.0,0.0,0.0,0.0,0.0,0.484231899005298,0.249791686909329,0.616228893587192,-0.40646279175584,0.397710360391916],"y":[0.631351986874313,0.135376259116259,-0.787318494329303,0.435141226093434,0.135376259116259,0.703237114712802],"g":[0.0,-0.31581236352411,1.38337379596733,1.04536522035975,0.699076218178894,0.0,0.0,0.327265381665145,0.378033198760414,0.259846889470641,0.0,0.0,0.0,0.176515934200023,0.297728581147729],"b":[0.238555528236119,0.135376259116259,0.142247655945512]},
  "ns_5x3_matrix_exp": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.837811628183921,0.208283176106031,0.37470532414856,0.21460583393178,-0.261208825134526,0.448522333018287,-0.401964308911416,-0.0931717906545342,-0.655636524236834,0.445771439930905,0.135564272198856,-0.663952789491946,-0.162798363454132,0.679274569119821,0.229938631014443,-0.101062554274372,-0.57768226563556,0.165825605749767,-0.25006290125626,-0.752356281283496,-0.261358146401398,-0.143152737342258,0.892700116957161,0.0118190224414936,0.337855035472674],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[0.379736420041763,0.345933382582,-0.300002499542181,0.705704983746547,0.384849739889442,0.425956057437604,0.393788644395734,-0.358850237354007,-0.189658030803351,-0.70622112626284,-0.359934023937382,0.40624320816134,0.57396129166293,0.45977791529994,-0.405692812987967],"y":[-0.762288488647037,-0.764195546364161,-0.576103962802241,0.922402652150265,-1.24751187146067,0.173180012974271],"g":[0.0,-0.229084684680098,1.78790772855746,0.0640855289711531,-0.800113331623587,0.0,0.0,-0.111656543333177,0.0382355881892198,0.0822407164171799,0.0,0.0,0.0,-0.0376389341937032,-0.401856448473557],"b":[-0.00216474955058755,-0.373009032779089,-0.193021336922303]},
  "ns_5x3_cayley": {"keys":["bias","parametrizations.weight.original","parametrizations.weight.0.base"],"base":[0.837811628183921,0.208283176106031,0.37470532414856,-0.0381622206366913,0.335900817506881,0.448522333018287,-0.401964308911416,-0.0931717906545342,0.308042503509179,-0.730534903069816,0.135564272198856,-0.663952789491946,-0.162798363454132,-0.695154186707391,0.176199804168164,-0.101062554274372,-0.57768226563556,0.165825605749767,0.618829745434009,0.495601830845597,-0.261358146401398,-0.143152737342258,0.892700116957161,-0.193555841599106,-0.277167549450826],"baseShape":[5,5],"orig":[-1.43827661581261,-1.207608519216,-0.96807362740884,-0.721430711381587,-0.469490732378512,-0.214103545020236,0.04285568514607,0.299500249940484,0.553945751595251,0.804323938835623,1.04879642440603,1.2855681833214,1.51290073273358,1.72912489664036,1.93265306171307],"w":[0.165484825041968,0.545960495397415,0.714021881639316,-0.26273091119226,0.309333365466083,0.742497871863733,0.0213881991877166,-0.0966567482485821,-0.385182709671037,-0.539009469677316,0.229178534897853,0.185497688212914,0.264786969719185,0.854738002690448,-0.335229196570665],"y":[-0.556076077142766,-0.209714000120856,-0.602525150108087,1.07955687436004,-0.495228285171396,0.729665959836063],"g":[0.0,-0.609494345290414,0.883937153028478,0.152287724460488,-0.601756947623213,0.0,0.0,0.536227650835709,0.185242395660144,0.22702646801146,0.0,0.0,0.0,-0.0781527251083168,-0.366330492911353],"b":[0.377516915440068,0.307436766674063,0.165698215632766]},
};

const nn = fl.nn;
const U = fl.nn.utils;
const PZ = fl.nn.utils.parametrize;
const o64 = { dtype: 'float64' as const, device: DEVICE };
const t64 = (v: readonly number[], shape: readonly number[]): fl.Tensor => fl.tensor([...v], o64).reshape([...shape]);
const vals = (t: fl.Tensor): number[] => Array.from(t.to('cpu').dataSync() as ArrayLike<number>);
/** float64 goldens: within 1e-10 relative (TOL float64 scaled). */
const close = (t: fl.Tensor, want: readonly number[]): void => expectClose(t.to('cpu'), [...want], 'float64', 100);

const W = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 1.0, 0.5, 0.3, 0.6, -0.9];
const B = [0.1, -0.2, 0.3, -0.4];
const X = [1.0, 2.0, -1.0, 0.5, -0.5, 1.5];
const WT = [1.0, -2.0, 0.5, 3.0, -1.5, 0.25, 2.0, -0.5];
const U0 = [0.6, -0.8, 0.0, 0.0], V0 = [0.0, 0.6, 0.8];
const CW = Array.from({ length: 24 }, (_, i) => (-1 + (2.3 * i) / 23) ** 3 + 0.1);  // torch.linspace(-1, 1.3, 24) ** 3 + 0.1

/** A float64 Linear(3, 4) on DEVICE holding W and B. */
function linear(): fl.nn.Linear {
  const l = new nn.Linear(3, 4, o64);
  fl.noGrad(() => fl.scope(() => { l.weight.copy_(t64(W, [4, 3])); l.bias!.copy_(t64(B, [4])); }));
  return l;
}
/** sum(y * WT).backward() */
const backwardWeighted = (y: fl.Tensor): void => { y.mul(t64(WT, [2, 4])).sum().backward(); };
/** m.parametrizations (the ModuleDict registration adds). */
const pz = (m: fl.nn.Module): fl.nn.ModuleDict<fl.nn.utils.parametrize.ParametrizationList> => (m as unknown as fl.nn.utils.parametrize.Parametrized<fl.nn.Module>).parametrizations;
const keysOf = (m: fl.nn.Module): string[] => Object.keys(m.stateDict());
const refused = (f: () => unknown, cls: new (...a: never[]) => Error, re: RegExp): void => {
  let thrown: unknown;
  try { f(); } catch (e) { thrown = e; }
  expect(thrown).toBeInstanceOf(cls);
  expect((thrown as Error).message).toMatch(re);
};

/** x ↦ 2x, rightInverse x ↦ x / 2 (so the original starts at W / 2 and the weight at W). */
class Double extends nn.Module {
  calls = 0;
  forward(x: fl.Tensor): fl.Tensor { this.calls++; return x.mul(2); }
  rightInverse(x: fl.Tensor): fl.Tensor { return x.div(2); }
}
/** x ↦ x + 1, no rightInverse. */
class PlusOne extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x.add(1); } }
/** Changes the shape: x ↦ x[0]. */
class FirstRow extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x.select(0, 0); } }
/** Changes the dtype. */
class ToF32 extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x.to('float32'); } }
/** Returns its input: the identity. */
class Same extends nn.Module { forward(x: fl.Tensor): fl.Tensor { return x; } }

describe('parametrize.registerParametrization', () => {
  test('the weight is computed from parametrizations.weight.original on each read; torch\'s keys; assignment goes through rightInverse', () => {
    fl.scope(() => {
      const l = linear();
      const p = new Double();
      expect(PZ.registerParametrization(l, 'weight', p)).toBe(l);
      expect(keysOf(l)).toEqual(['bias', 'parametrizations.weight.original']);
      expect(l.namedParameters().map(([k]) => k)).toEqual(['bias', 'parametrizations.weight.original']);
      expect(PZ.isParametrized(l)).toBe(true);
      expect(PZ.isParametrized(l, 'weight')).toBe(true);
      expect(PZ.isParametrized(l, 'bias')).toBe(false);
      const list = pz(l).get('weight');
      close(list.original, W.map((w) => w / 2));
      close(l.weight, W);
      const calls = p.calls;
      const a = l.weight, b = l.weight;
      expect(a).not.toBe(b);                 // a new tensor on each read
      expect(p.calls).toBe(calls + 2);
      l.weight = t64(W.map((w) => w * 3), [4, 3]);
      close(list.original, W.map((w) => w * 1.5));
      close(l.weight, W.map((w) => w * 3));
      refused(() => { l.weight = t64([1, 2], [2]); }, fl.ShapeError, /rightInverse: the tensor returned by rightInverse has shape \[2\] while the original has shape \[4, 3\]/);
      // the forward uses the parametrized weight: y = x W'ᵀ + b
      const y = l.forward(t64(X, [2, 3]));
      const ref = fl.matmul(t64(X, [2, 3]), t64(W.map((w) => w * 3), [4, 3]).t()).add(t64(B, [4]));
      close(y, vals(ref));
      expect(l.toString()).toContain('(parametrizations): ModuleDict');
    });
  });

  test('several parametrizations chain; a buffer can be parametrized; an identity returns a view the caller may dispose', () => {
    fl.scope(() => {
      const l = linear();
      PZ.registerParametrization(l, 'weight', new Double());
      PZ.registerParametrization(l, 'weight', new PlusOne());
      close(l.weight, W.map((w) => w + 1));                      // 2 · (W / 2) + 1
      expect(keysOf(l)).toEqual(['bias', 'parametrizations.weight.original']);
      expect(pz(l).get('weight').length).toBe(2);
      // without rightInverse in the chain, assignment is refused
      refused(() => { l.weight = t64(W, [4, 3]); }, fl.ValueError, /rightInverse: parametrization PlusOne does not implement rightInverse/);
      const bn = new nn.BatchNorm1d(3, o64);
      PZ.registerParametrization(bn, 'running_var', new Same());
      expect(keysOf(bn)).toEqual(['weight', 'bias', 'running_mean', 'num_batches_tracked', 'parametrizations.running_var.original']);
      const rv = (bn as unknown as { running_var: fl.Tensor }).running_var;
      expect(rv).not.toBe(pz(bn).get('running_var').original);
      rv.dispose();
      expect(pz(bn).get('running_var').original.isDisposed).toBe(false);
      bn.dispose();
    });
  });

  test('rightInverse returning several tensors gives original0, original1 (new parameters); the module\'s old tensor is freed', () => {
    fl.scope(() => {
      const l = linear();
      const old = l.weight;
      U.parametrizations.weightNorm(l);
      expect(keysOf(l)).toEqual(['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']);
      const list = pz(l).get('weight');
      expect(list.isTensor).toBe(false);
      expect(list.ntensors).toBe(2);
      expect(fl.nn.isParameter((list as unknown as Record<string, fl.Tensor>).original0)).toBe(true);
      expect((list as unknown as Record<string, fl.Tensor>).original1).toBe(old);  // v is the former parameter
      close((list as unknown as Record<string, fl.Tensor>).original0, G.wn_0.g);
    });
  });

  test('refusals: unknown name, shape or dtype changes (unless unsafe), a non-module, removing what is not there', () => {
    fl.scope(() => {
      const l = linear();
      refused(() => PZ.registerParametrization(l, 'wieght', new Double()), fl.ValueError, /^registerParametrization: module Linear has no parameter, buffer or parametrized tensor named 'wieght'/);
      refused(() => PZ.registerParametrization(l, 'weight', new FirstRow()), fl.ValueError, /may not change the shape of the tensor, unless unsafe is set.\nunparametrized shape: \[4, 3\]\nparametrized shape: \[3\]/);
      expect(PZ.isParametrized(l)).toBe(false);
      expect(keysOf(l)).toEqual(['weight', 'bias']);
      refused(() => PZ.registerParametrization(l, 'weight', new ToF32()), fl.ValueError, /may not change the dtype.*\nunparametrized dtype: float64\nparametrized dtype: float32/);
      refused(() => PZ.registerParametrization(l, 'weight', 5 as never), fl.ValueError, /^registerParametrization: parametrization must be an nn.Module/);
      refused(() => (PZ.registerParametrization as (...a: unknown[]) => unknown)(l, 'weight', new Double(), { unsafe: true }, 1), fl.ValueError, /^registerParametrization: /);
      refused(() => PZ.removeParametrizations(l, 'weight'), fl.ValueError, /^removeParametrizations: module Linear has no parametrization on 'weight'/);
      // with unsafe the shape may change
      PZ.registerParametrization(l, 'weight', new FirstRow(), { unsafe: true });
      expect(l.weight.shape).toEqual([3]);
      // a second parametrization on it is checked against the current (parametrized) tensor
      refused(() => PZ.registerParametrization(l, 'weight', new FirstRow()), fl.ValueError, /unparametrized shape: \[3\]\nparametrized shape: \[\]/);
      U.parametrizations.weightNorm(l, 'bias');
      refused(() => PZ.removeParametrizations(l, 'bias', false), fl.ValueError, /cannot leave unparametrized/);
      // a failed check leaves the module as it was: its tensor not freed, the originals made for it freed
      class Split extends nn.Module {
        forward(a: fl.Tensor, b: fl.Tensor): fl.Tensor { return a.add(b).select(0, 0); }
        rightInverse(x: fl.Tensor): fl.Tensor[] { return [x.mul(1), fl.zerosLike(x)]; }
      }
      const m = linear();
      const live = fl.memory.stats().liveTensors;
      refused(() => PZ.registerParametrization(m, 'weight', new Split()), fl.ValueError, /may not change the shape/);
      expect(fl.memory.stats().liveTensors).toBe(live);
      expect(m.weight.isDisposed).toBe(false);
      expect(keysOf(m)).toEqual(['weight', 'bias']);
    });
  });

  test('removeParametrizations: leaveParametrized keeps the value in the same tensor (optimizers keep it); false restores the original', () => {
    fl.scope(() => {
      const l = linear();
      PZ.registerParametrization(l, 'weight', new Double());
      PZ.registerParametrization(l, 'weight', new PlusOne());
      const original = pz(l).get('weight').original;
      PZ.removeParametrizations(l, 'weight');
      expect(l.weight).toBe(original);
      expect(fl.nn.isParameter(l.weight)).toBe(true);
      close(l.weight, W.map((w) => w + 1));
      expect(keysOf(l)).toEqual(['bias', 'weight']);
      expect('parametrizations' in l).toBe(false);
      const m = linear();
      PZ.registerParametrization(m, 'weight', new Double());
      PZ.removeParametrizations(m, { tensorName: 'weight', leaveParametrized: false } as never);
      close(m.weight, W.map((w) => w / 2));
      expect(PZ.isParametrized(m)).toBe(false);
    });
  });

  test('a copy of a parametrized module (AveragedModel\'s deep copy) reads its own originals; removal gives the class back', () => {
    fl.scope(() => {
      const l = U.parametrizations.weightNorm(linear());
      const proto = Object.getPrototypeOf(l);
      expect(proto).not.toBe(nn.Linear.prototype);   // torch's injected class
      expect(l).toBeInstanceOf(nn.Linear);
      const avg = new fl.optim.swaUtils.AveragedModel(l);
      const copy = avg.module as typeof l;
      close(copy.weight, G.wn_0.w);
      expect(pz(copy).get('weight')).not.toBe(pz(l).get('weight'));
      fl.noGrad(() => (pz(copy).get('weight') as unknown as { original0: fl.Tensor }).original0.mul_(2));
      close(copy.weight, G.wn_0.w.map((w) => 2 * w));
      close(l.weight, G.wn_0.w);
      close(avg.forward(t64(X, [2, 3])) as fl.Tensor, vals(copy.forward(t64(X, [2, 3]))));
      PZ.removeParametrizations(copy, 'weight');
      expect(Object.getPrototypeOf(copy)).toBe(nn.Linear.prototype);
      close(copy.weight, G.wn_0.w.map((w) => 2 * w));
      close(l.weight, G.wn_0.w);                          // the original, sharing the copy's injected prototype, is untouched
      avg.dispose?.();
      copy.dispose();
    });
  });

  test('loadStateDict with torch\'s keys; a round trip between two parametrized modules', () => {
    fl.scope(() => {
      const a = linear(), b = new nn.Linear(3, 4, o64);
      PZ.registerParametrization(a, 'weight', new Double());
      PZ.registerParametrization(b, 'weight', new Double());
      b.loadStateDict(a.stateDict());
      close(b.weight, W);
      b.loadStateDict({ bias: t64(B, [4]), 'parametrizations.weight.original': t64(W, [4, 3]) });
      close(b.weight, W.map((w) => w * 2));
      refused(() => b.loadStateDict({ bias: t64(B, [4]), weight: t64(W, [4, 3]) }), fl.ValueError, /missing keys \[parametrizations.weight.original\], unexpected keys \[weight\]/);
    });
  });

  test('cached(): each parametrized tensor computed once, the same tensor on each read, freed after; a cached tensor returned stays valid', () => {
    fl.scope(() => {
      const l = linear();
      const p = new Double();
      PZ.registerParametrization(l, 'weight', p);
      const before = p.calls;
      const w = PZ.cached(() => {
        const a = l.weight, b = l.weight;
        expect(a).toBe(b);
        PZ.cached(() => expect(l.weight).toBe(a));   // nested: the outer cache
        l.forward(t64(X, [2, 3]));
        return a;
      });
      expect(p.calls).toBe(before + 1);
      close(w, W);
      expect(l.weight).not.toBe(w);
      refused(() => PZ.cached(5 as never), fl.ValueError, /^cached: fn must be a function/);
      expect(() => PZ.cached(() => { l.weight; throw new Error('boom'); })).toThrow('boom');
    });
  });
});

describe('parametrizations.weightNorm and the legacy weightNorm (torch 1.13 weight_norm\'s math)', () => {
  // torch: lin = nn.Linear(3, 4) (weight W, bias B, float64); nn.utils.weight_norm(lin, dim=dim);
  // y = lin(x); (y * WT).sum().backward()  — goldens G.wn_<dim> (the script is at the end of this file)
  test.each([[0, 'wn_0'], [1, 'wn_1'], [null, 'wn_None']] as const)('dim %s: values and gradients of g and v', (dim, key) => {
    const g = G[key];
    fl.scope(() => {
      const l = linear();
      U.parametrizations.weightNorm(l, 'weight', dim);
      const list = pz(l).get('weight') as unknown as Record<string, fl.Tensor>;
      expect(list.original0.shape).toEqual(g.gshape);
      close(list.original0, g.g);
      close(l.weight, g.w);
      const x = t64(X, [2, 3]).requiresGrad_(true);
      const y = l.forward(x);
      close(y, g.y);
      backwardWeighted(y);
      close(list.original0.grad!, g.gg);
      close(list.original1.grad!, g.gv);
      close(l.bias!.grad!, g.gb);
      close(x.grad!, g.gx);
      // removal leaves a parameter holding g · v / ‖v‖
      PZ.removeParametrizations(l, 'weight');
      expect(keysOf(l)).toEqual(['bias', 'weight']);
      close(l.weight, g.w);
    });
  });

  test.each([[0, 'wn_0'], [1, 'wn_1'], [null, 'wn_None']] as const)('legacy weightNorm dim %s: weight_g, weight_v, the hook, removal', (dim, key) => {
    const g = G[key];
    fl.scope(() => {
      const l = U.weightNorm(linear(), 'weight', dim);
      expect(keysOf(l)).toEqual(g.keys);
      const f = l as unknown as Record<string, fl.Tensor>;
      expect(f.weight_g.shape).toEqual(g.gshape);
      close(f.weight_g, g.g);
      const x = t64(X, [2, 3]).requiresGrad_(true);
      const y = l.forward(x);
      close(y, g.y);
      backwardWeighted(y);
      close(f.weight_g.grad!, g.gg);
      close(f.weight_v.grad!, g.gv);
      close(x.grad!, g.gx);
      refused(() => U.weightNorm(l), fl.ValueError, /^weightNorm: cannot register two weightNorm hooks on the same parameter 'weight'/);
      U.removeWeightNorm(l);
      expect(keysOf(l)).toEqual(['bias', 'weight']);
      close(l.weight, g.w);
      refused(() => U.removeWeightNorm(l), fl.ValueError, /^removeWeightNorm: weightNorm of 'weight' not found in Linear/);
    });
  });

  test('finite differences: the weight-normed forward with respect to g and v (through functionalCall with torch\'s keys)', () => {
    fl.scope(() => {
      const l = U.parametrizations.weightNorm(linear(), 'weight', 1);
      const x = t64(X, [2, 3]);
      const g0 = t64([1.5, -0.5, 2.0], [1, 3]).requiresGrad_(true), v0 = t64(W, [4, 3]).requiresGrad_(true);
      const f = (g: fl.Tensor, v: fl.Tensor): fl.Tensor => fl.func.functionalCall(l, { 'parametrizations.weight.original0': g, 'parametrizations.weight.original1': v }, [x]) as fl.Tensor;
      expect(fl.gradcheck(f, [g0, v0])).toBe(true);
    });
  });
});

describe('parametrizations.spectralNorm and the legacy spectralNorm (torch 1.13, u and v set explicitly)', () => {
  // torch: lin = Linear(3, 4) (W, B); parametrizations.spectral_norm(lin, n_power_iterations=it);
  // sn._u.copy_(U0); sn._v.copy_(V0); y = lin(x); (y * WT).sum().backward(); two more forwards; eval
  test.each([[1, 'sn_1'], [2, 'sn_2']] as const)('nPowerIterations %s: keys, output, u/v after one and three training forwards, none in eval', (it, key) => {
    const g = G[key];
    fl.scope(() => {
      const l = U.parametrizations.spectralNorm(linear(), 'weight', it);
      expect(keysOf(l)).toEqual(g.keys);
      l.loadStateDict({ bias: t64(B, [4]), 'parametrizations.weight.original': t64(W, [4, 3]), 'parametrizations.weight.0._u': t64(U0, [4]), 'parametrizations.weight.0._v': t64(V0, [3]) });
      const sd = l.stateDict();
      const x = t64(X, [2, 3]).requiresGrad_(true);
      const y = l.forward(x);
      close(y, g.y1);
      close(sd['parametrizations.weight.0._u'], g.u1);
      close(sd['parametrizations.weight.0._v'], g.v1);
      backwardWeighted(y);
      close(pz(l).get('weight').original.grad!, g.gw);
      close(x.grad!, g.gx);
      let y3 = l.forward(t64(X, [2, 3]));
      y3 = l.forward(t64(X, [2, 3]));
      close(y3, g.y3);
      close(sd['parametrizations.weight.0._u'], g.u3);
      close(sd['parametrizations.weight.0._v'], g.v3);
      l.eval();
      close(l.forward(t64(X, [2, 3])), g.yeval);
      close(sd['parametrizations.weight.0._u'], g.ueval);
      // removal frees u and v and leaves W / σ
      const u = sd['parametrizations.weight.0._u'];
      PZ.removeParametrizations(l, 'weight');
      expect(u.isDisposed).toBe(true);
      expect(keysOf(l)).toEqual(['bias', 'weight']);
    });
  });

  test('a 4-D weight over dim 1 (a transposed convolution\'s layout): u, v shapes and values', () => {
    const g = G.sn_conv;
    fl.scope(() => {
      const conv = new nn.Conv2d(2, 3, 2, o64);
      fl.noGrad(() => conv.weight.copy_(t64(CW, [3, 2, 2, 2])));
      U.parametrizations.spectralNorm(conv, { dim: 1 });
      const sn = pz(conv).get('weight').at(0);
      expect(sn._buffers.get('_u')!.shape).toEqual(g.ushape);
      expect(sn._buffers.get('_v')!.shape).toEqual(g.vshape);
      fl.noGrad(() => { sn._buffers.get('_u')!.copy_(t64([0, 1], [2])); sn._buffers.get('_v')!.copy_(t64([1, ...new Array(11).fill(0)], [12])); });
      close(conv.weight, g.w);
      close(sn._buffers.get('_u')!, g.u);
      close(sn._buffers.get('_v')!, g.v);
      refused(() => U.parametrizations.spectralNorm(new nn.Linear(3, 4, o64), { dim: 2 }), fl.IndexError, /dimension out of range \(expected to be in range of \[-2, 1\] but got 2\)/);
      refused(() => U.parametrizations.spectralNorm(new nn.Linear(3, 4, o64), { nPowerIterations: 0 }), fl.ValueError, /expected nPowerIterations to be positive/);
      refused(() => U.parametrizations.spectralNorm(new nn.ReLU()), fl.ValueError, /module ReLU has no parameter or buffer with name 'weight'/);
    });
  });

  test('legacy spectralNorm: weight_orig, weight_u, weight_v; power iteration v then u; removal', () => {
    const g = G.sn_legacy;
    fl.scope(() => {
      const l = U.spectralNorm(linear());
      expect(keysOf(l)).toEqual(g.keys);
      l.loadStateDict({ bias: t64(B, [4]), weight_orig: t64(W, [4, 3]), weight_u: t64(U0, [4]), weight_v: t64(V0, [3]) });
      const f = l as unknown as Record<string, fl.Tensor>;
      const x = t64(X, [2, 3]).requiresGrad_(true);
      const y = l.forward(x);
      close(y, g.y1);
      close(f.weight_u, g.u1);
      close(f.weight_v, g.v1);
      backwardWeighted(y);
      close(f.weight_orig.grad!, g.gw);
      close(x.grad!, g.gx);
      l.forward(t64(X, [2, 3]));
      close(l.forward(t64(X, [2, 3])), g.y3);
      close(f.weight_u, g.u3);
      close(f.weight_v, g.v3);
      U.removeSpectralNorm(l);
      expect(keysOf(l)).toEqual(g.removed_keys);
      close(l.weight, g.removed_w);
    });
  });

  test('legacy spectralNorm: u and v get no gradient after a power iteration (torch clones them under no_grad), a gradient in eval', () => {
    // torch: functional_call(spectral_norm(lin), {'weight_orig': W, 'weight_u': u, 'weight_v': v}, (x,)) with u, v requiring grad:
    // u.grad is None in training mode, a tensor in eval (found by bench/torch-diff-specs-parametrize.js)
    fl.scope(() => {
      const l = U.spectralNorm(linear());
      for (const train of [true, false]) {
        l.train(train);
        const u = t64(U0, [4]).requiresGrad_(true), v = t64(V0, [3]).requiresGrad_(true);
        const y = fl.func.functionalCall(l, { weight_orig: t64(W, [4, 3]), weight_u: u, weight_v: v }, [t64(X, [2, 3])]) as fl.Tensor;
        y.sum().backward();
        expect([train, u.grad === null, v.grad === null]).toEqual([train, train, train]);
      }
      l.dispose();
    });
  });

  test('two forwards, one backward (a GAN discriminator\'s real + fake): the hook\'s earlier weight stays usable by autograd', () => {
    fl.scope(() => {
      const l = U.spectralNorm(linear());
      const a = l.forward(t64(X, [2, 3])), b = l.forward(t64(X, [2, 3]));
      a.add(b).sum().backward();
      expect((l as unknown as Record<string, fl.Tensor>).weight_orig.grad!.shape).toEqual([4, 3]);
      l.dispose();   // frees the computed weight too
    });
  });
});

describe('training a parametrized Linear', () => {
  // torch: the weight-normed Linear as a parametrization (torch 2.x's _WeightNorm, dim 0, unsafe),
  // SGD(lr=0.1, momentum=0.9), 3 steps of ((lin(x) - 1) ** 2).mean()
  test('3 SGD steps train original0 (g) and original1 (v) as torch does', () => {
    const g = G.train;
    fl.scope(() => {
      const l = U.parametrizations.weightNorm(linear());
      expect(keysOf(l)).toEqual(G.train_keys);
      const opt = new fl.optim.SGD(l.parameters(), { lr: 0.1, momentum: 0.9 });
      const losses: number[] = [];
      for (let s = 0; s < 3; s++) {
        fl.scope(() => {
          opt.zeroGrad();
          const loss = l.forward(t64(X, [2, 3])).sub(1).pow(2).mean();
          loss.backward();
          opt.step();
          losses.push(loss.item());
        });
      }
      expectClose(fl.tensor(losses, { dtype: 'float64' }), g.losses, 'float64', 100);
      const list = pz(l).get('weight') as unknown as Record<string, fl.Tensor>;
      close(list.original0, g.g);
      close(list.original1, g.v);
      close(l.bias!, g.b);
      close(l.weight, g.w);
      PZ.removeParametrizations(l, 'weight');
      expect(keysOf(l)).toEqual(g.removed_keys);
      opt.zeroGrad();
      opt.dispose();
    });
  });
});

describe('functionalCall, parametersToVector / vectorToParameters, fusion', () => {
  test('functionalCall: torch\'s output and gradient; the module is restored, also after a throw', () => {
    const g = G.fcall;
    fl.scope(() => {
      const l = new nn.Linear(3, 4, o64);
      const own = l.weight;
      const w2 = t64(W.map((w) => w * 2), [4, 3]).requiresGrad_(true);
      const y = fl.nn.utils.stateless.functionalCall(l, { weight: w2, bias: t64(B, [4]) }, [t64(X, [2, 3])]) as fl.Tensor;
      close(y, g.y);
      backwardWeighted(y);
      close(w2.grad!, g.gw);
      expect(l.weight).toBe(own);
      expect(own.grad).toBeNull();
      expect(l.namedParameters().map(([k]) => k)).toEqual(['weight', 'bias']);
      expect(fl.func.functionalCall).toBe(fl.nn.utils.stateless.functionalCall);
      // a single argument may be given bare; a buffer is substituted too (eval BatchNorm's running mean)
      const bn = new nn.BatchNorm1d(4, o64).eval();
      const z = fl.func.functionalCall(bn, new Map([['running_mean', fl.ones(4, o64)]]), t64(WT, [2, 4])) as fl.Tensor;
      close(z, WT.map((v) => (v - 1) / Math.sqrt(1 + 1e-5)));
      close(bn.runningMean!, [0, 0, 0, 0]);
      refused(() => fl.func.functionalCall(l, { weight: w2 }, [t64([1, 2], [1, 2])]), fl.ShapeError, /.*/);
      expect(l.weight).toBe(own);
      expect(Object.keys(l)).toContain('weight');
      refused(() => fl.func.functionalCall(l, { 'nope.weight': w2 }, [t64(X, [2, 3])]), fl.ValueError, /^functionalCall: 'nope.weight': Linear has no submodule 'nope'/);
      refused(() => fl.func.functionalCall(l, { weight: 3 as never }, []), fl.ValueError, /^functionalCall: 'weight' must be a Tensor/);
      bn.dispose();
    });
  });

  test('parametersToVector is differentiable; vectorToParameters copies back in order', () => {
    fl.scope(() => {
      const l = linear();
      const v = U.parametersToVector(l.parameters());
      close(v, [...W, ...B]);
      v.mul(fl.arange(16, o64)).sum().backward();
      close(l.weight.grad!, Array.from({ length: 12 }, (_, i) => i));
      close(l.bias!.grad!, [12, 13, 14, 15]);
      const w = l.weight;
      U.vectorToParameters(fl.arange(17, o64), l.parameters());   // one element more: ignored, as torch
      expect(l.weight).toBe(w);
      close(l.weight, Array.from({ length: 12 }, (_, i) => i));
      close(l.bias!, [12, 13, 14, 15]);
      refused(() => U.vectorToParameters(fl.arange(15, o64), l.parameters()), fl.ShapeError, /^vectorToParameters: the vector of shape \[15\] is shorter than the parameters' 16 elements/);
      refused(() => U.parametersToVector([]), fl.ValueError, /^parametersToVector: expected a non-empty list/);
      refused(() => U.vectorToParameters([1] as never, l.parameters()), fl.ValueError, /^vectorToParameters: expected a Tensor/);
      l.zeroGrad();
    });
  });

  test('parametersToVector flattens a non-contiguous (transposed) parameter too (found by the torch-diff table)', () => {
    fl.scope(() => {
      const t = t64([1, 2, 3, 4, 5, 6], [2, 3]).t();
      expect(t.isContiguous()).toBe(false);
      close(U.parametersToVector([t, t64([7], [1])]), [1, 4, 2, 5, 3, 6, 7]);
    });
  });

  test('second derivatives flow through the weight-normed and spectral-normed weights (finite differences of the gradient)', () => {
    fl.scope(() => {
      const x = t64(X, [2, 3]);
      for (const make of [() => U.parametrizations.weightNorm(linear()), () => U.parametrizations.spectralNorm(linear()).eval()]) {
        const l = make();
        const names = Object.keys(l.stateDict()).filter((k) => k.includes('original'));
        const orig = names.map((k) => l.stateDict()[k].detach().clone().requiresGrad_(true));
        // the gradient of sum(y²) with respect to the originals, as a function of them
        // (gradcheck's perturbed evaluations pass inputs that do not require grad: leaves of their own then)
        const gradOf = (...o: fl.Tensor[]): fl.Tensor[] => fl.enableGrad(() => {
          const create = o[0].requiresGrad;
          const leaves = o.map((t) => (t.requiresGrad ? t : t.detach().requiresGrad_()));
          const y = fl.func.functionalCall(l, Object.fromEntries(names.map((k, i) => [k, leaves[i]])), [x]) as fl.Tensor;
          return fl.autograd.grad(y.pow(2).sum(), leaves, { createGraph: create }) as fl.Tensor[];
        });
        expect(fl.gradcheck(gradOf, orig)).toBe(true);
      }
    });
  });

  test('fuseConvBnEval / fuseLinearBnEval: torch\'s folded weights; the fused module computes bn(conv(x))', () => {
    fl.scope(() => {
      const conv = new nn.Conv2d(2, 3, 2, o64);
      fl.noGrad(() => { conv.weight.copy_(t64(CW, [3, 2, 2, 2])); conv.bias!.copy_(t64([0.1, 0.2, -0.3], [3])); });
      const bn = new nn.BatchNorm2d(3, o64);
      bn.loadStateDict({ weight: t64([1.5, -0.5, 2.0], [3]), bias: t64([0.3, 0.0, -0.2], [3]), running_mean: t64([0.5, -1.0, 0.25], [3]), running_var: t64([2.0, 0.5, 1.5], [3]), num_batches_tracked: fl.zeros([], { dtype: 'int32', device: DEVICE }) });
      refused(() => U.fusion.fuseConvBnEval(conv, bn), fl.ValueError, /^fuseConvBnEval: fusion only for eval/);
      conv.eval(); bn.eval();
      const fused = U.fusion.fuseConvBnEval(conv, bn);
      expect(fused).not.toBe(conv);
      close(fused.weight, G.fuse_conv.w);
      close(fused.bias!, G.fuse_conv.b);
      const x = fl.linspace(-2, 2, 2 * 2 * 3 * 3, o64).reshape([2, 2, 3, 3]);
      close(fused.forward(x), vals(bn.forward(conv.forward(x))));
      close(conv.weight, CW);   // the original is untouched
      const l = linear().eval();
      const bn1 = new nn.BatchNorm1d(4, o64).eval();
      bn1.loadStateDict({ weight: t64([1.5, -0.5, 2.0, 1.0], [4]), bias: t64([0.3, 0.0, -0.2, 0.1], [4]), running_mean: t64([0.5, -1.0, 0.25, 0.0], [4]), running_var: t64([2.0, 0.5, 1.5, 1.0], [4]), num_batches_tracked: fl.zeros([], { dtype: 'int32', device: DEVICE }) });
      const fl2 = U.fusion.fuseLinearBnEval(l, bn1);
      close(fl2.weight, G.fuse_linear.w);
      close(fl2.bias!, G.fuse_linear.b);
      close(fl2.forward(t64(X, [2, 3])), vals(bn1.forward(l.forward(t64(X, [2, 3])))));
      refused(() => U.fusion.fuseLinearBnEval(l, new nn.ReLU()), fl.ValueError, /^fuseLinearBnEval: bn must be a batch norm/);
    });
  });
});

describe('parametrizations.orthogonal (torch 1.13)', () => {
  const W3 = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 1.0, 0.5];
  const X3 = [1.0, 2.0, -1.0, 0.5, -0.5, 1.5];
  // torch: lin = Linear(3, 3) (W3, zero bias); parametrizations.orthogonal(lin, orthogonal_map=m);
  // SGD(lr=0.1), 2 steps of ((lin(x) - 1) ** 2).mean()
  test.each(['matrix_exp', 'cayley', 'householder'] as const)('square, %s: the base is W made orthogonal, the original −I; 2 SGD steps as torch', (m) => {
    const g = GO[`sq_${m}`];
    fl.scope(() => {
      const l = new nn.Linear(3, 3, o64);
      fl.noGrad(() => { l.weight.copy_(t64(W3, [3, 3])); l.bias!.zero_(); });
      U.parametrizations.orthogonal(l, { orthogonalMap: m });
      expect(keysOf(l)).toEqual(g.keys);
      close(l.weight, g.w0);
      close(l.stateDict()['parametrizations.weight.0.base'], g.base);
      close(pz(l).get('weight').original, g.orig);
      const opt = new fl.optim.SGD(l.parameters(), { lr: 0.1 });
      for (let s = 0; s < 2; s++) {
        fl.scope(() => { opt.zeroGrad(); l.forward(t64(X3, [2, 3])).sub(1).pow(2).mean().backward(); opt.step(); });
      }
      close(l.weight, g.w2);
      close(pz(l).get('weight').original, g.orig2);
      const w = l.weight;
      close(w.matmul(w.t()), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
      opt.zeroGrad();
      l.dispose();
    });
  });

  // torch: Linear(i, o), weight linspace(-1, 1.5)² − 0.3, orthogonal(lin, orthogonal_map=m); original set to
  // 3·linspace(-0.5, 0.7).sin() (householder multiplies column j by int(X[j, j]): diagonal values past ±1); y = lin(x); (y * w).sum().backward(). torch's base (completed with its own
  // random columns) is loaded here by its state-dict name.
  test.each([[3, 5], [5, 3]].flatMap(([i, o]) => ['householder', 'matrix_exp', 'cayley'].map((m) => [i, o, m] as [number, number, string])))('%s → %s, %s: output and the original\'s gradient with torch\'s base', (i, o, m) => {
    const g = GO[`ns_${i}x${o}_${m}`];
    fl.scope(() => {
      const l = new nn.Linear(i, o, o64);
      const lin = (n: number, a: number, b: number) => Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));
      fl.noGrad(() => l.weight.copy_(t64(lin(i * o, -1, 1.5).map((v) => v * v - 0.3), [o, i])));
      U.parametrizations.orthogonal(l, 'weight', m === 'householder' ? null : m as 'cayley');
      expect(keysOf(l)).toEqual(g.keys);
      expect(l.stateDict()['parametrizations.weight.0.base'].shape).toEqual(g.baseShape);
      // the first min(i, o) columns of the base are the weight made orthogonal: the weight is that before any load
      const before = l.weight;
      expect(vals(before.matmul(before.t())).length).toBe(o * o);
      l.loadStateDict({ bias: t64(g.b, [o]), 'parametrizations.weight.original': t64(g.orig, [o, i]), 'parametrizations.weight.0.base': t64(g.base, g.baseShape) });
      close(l.weight, g.w);
      const x = t64(lin(2 * i, -1, 1), [2, i]);
      const y = l.forward(x);
      close(y, g.y);
      y.mul(t64(lin(2 * o, -2, 1), [2, o])).sum().backward();
      close(pz(l).get('weight').original.grad!, g.g);
      l.dispose();
    });
  });

  test('semi-orthogonal at registration for every map; refusals; without the trivialization the weight itself is the original', () => {
    fl.scope(() => {
      for (const [i, o] of [[4, 2], [2, 4], [3, 3]]) {
        for (const m of ['householder', 'matrix_exp', 'cayley'] as const) {
          const l = U.parametrizations.orthogonal(new nn.Linear(i, o, o64), { orthogonalMap: m });
          const w = l.weight;
          const gram = o <= i ? w.matmul(w.t()) : w.t().matmul(w);
          close(gram, vals(fl.eye(Math.min(i, o), o64)));
          l.dispose();
        }
      }
      refused(() => U.parametrizations.orthogonal(new nn.Linear(3, 3, o64), 'bias'), fl.ShapeError, /^parametrizations.orthogonal: expected a matrix or batch of matrices, got a tensor of shape \[3\]/);
      refused(() => U.parametrizations.orthogonal(new nn.Linear(3, 3, o64), { orthogonalMap: 'qr' as never }), fl.ValueError, /^parametrizations.orthogonal: orthogonalMap must be one of/);
      refused(() => U.parametrizations.orthogonal(new nn.Linear(3, 3, o64), { orthogonalMap: 'householder', useTrivialization: false }), fl.ValueError, /needs torch.geqrf/);
      const l = new nn.Linear(3, 3, o64);
      const w = l.weight;
      U.parametrizations.orthogonal(l, { useTrivialization: false });
      expect(pz(l).get('weight').original).toBe(w);
      expect(keysOf(l)).toEqual(['bias', 'parametrizations.weight.original']);
      refused(() => { l.weight = fl.eye(3, o64); }, fl.ValueError, /does not implement rightInverse/);
      // with the trivialization, assigning an orthogonal matrix makes it the base (and the original −I)
      const m = U.parametrizations.orthogonal(new nn.Linear(2, 2, o64));
      m.weight = t64([0, 1, -1, 0], [2, 2]);
      close(m.weight, [0, 1, -1, 0]);
      close(pz(m).get('weight').original, [-1, 0, 0, -1]);
      m.dispose();
    });
  });
});

test('memory: reads outside any scope are the caller\'s; nothing is left behind once they are disposed', () => {
  const l = linear();
  U.parametrizations.spectralNorm(l);
  const before = fl.memory.stats().liveTensors;
  const w = l.weight;                                   // the caller's (with its graph)
  const y = fl.scope(() => l.forward(t64(X, [2, 3])));  // the scope freed the weight forward read
  expect(fl.memory.stats().liveTensors).toBeGreaterThan(before);
  w.dispose(); y.dispose();
  expect(fl.memory.stats().liveTensors).toBe(before);
  l.dispose();
});

/* The script that made G (torch 1.13, float64):
import torch, json
torch.set_default_dtype(torch.float64)
from torch import nn
import torch.nn.utils.parametrize as P
out = {}
def L(t): return t.detach().reshape(-1).tolist()
W = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.5], [0.3, 0.6, -0.9]])
B = torch.tensor([0.1, -0.2, 0.3, -0.4])
X = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 1.5]])
WT = torch.tensor([[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.5]])
# weight norm (legacy; the math of parametrizations.weight_norm)
for dim in [0, 1, None]:
    lin = nn.Linear(3, 4); lin.weight.data.copy_(W); lin.bias.data.copy_(B)
    nn.utils.weight_norm(lin, dim=dim)
    x = X.clone().requires_grad_()
    y = lin(x); (y * WT).sum().backward()
    out[f'wn_{dim}'] = dict(keys=list(lin.state_dict().keys()), g=L(lin.weight_g), gshape=list(lin.weight_g.shape), w=L(lin.weight), y=L(y),
        gg=L(lin.weight_g.grad), gv=L(lin.weight_v.grad), gb=L(lin.bias.grad), gx=L(x.grad))
# spectral norm (parametrizations): set u, v, then forwards in training mode
U0 = torch.tensor([0.6, -0.8, 0.0, 0.0]); V0 = torch.tensor([0.0, 0.6, 0.8])
for it in [1, 2]:
    lin = nn.Linear(3, 4); lin.weight.data.copy_(W); lin.bias.data.copy_(B)
    torch.nn.utils.parametrizations.spectral_norm(lin, n_power_iterations=it)
    sn = lin.parametrizations.weight[0]
    keys = list(lin.state_dict().keys())
    sn._u.copy_(U0); sn._v.copy_(V0)
    rec = dict(keys=keys)
    x = X.clone().requires_grad_()
    y = lin(x); (y * WT).sum().backward()
    rec['y1'] = L(y); rec['u1'] = L(sn._u); rec['v1'] = L(sn._v); rec['gw'] = L(lin.parametrizations.weight.original.grad); rec['gx'] = L(x.grad)
    for _ in range(2): y = lin(X)
    rec['y3'] = L(y); rec['u3'] = L(sn._u); rec['v3'] = L(sn._v)
    lin.eval(); y = lin(X)
    rec['yeval'] = L(y); rec['ueval'] = L(sn._u)
    out[f'sn_{it}'] = rec
# spectral norm of a conv weight [3, 2, 2, 2] with dim=1 (as a transposed conv would)
CW = torch.linspace(-1, 1.3, 24).reshape(3, 2, 2, 2) ** 3 + 0.1
conv = nn.Conv2d(2, 3, 2); conv.weight.data.copy_(CW)
torch.nn.utils.parametrizations.spectral_norm(conv, dim=1)
sn = conv.parametrizations.weight[0]
sn._u.copy_(torch.tensor([0.0, 1.0])); sn._v.copy_(torch.tensor([1.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
w = conv.weight
out['sn_conv'] = dict(w=L(w), u=L(sn._u), v=L(sn._v), ushape=list(sn._u.shape), vshape=list(sn._v.shape))
# legacy spectral norm
lin = nn.Linear(3, 4); lin.weight.data.copy_(W); lin.bias.data.copy_(B)
nn.utils.spectral_norm(lin)
keys = list(lin.state_dict().keys())
lin.weight_u.copy_(U0); lin.weight_v.copy_(V0)
x = X.clone().requires_grad_()
y = lin(x); (y * WT).sum().backward()
rec = dict(keys=keys, y1=L(y), u1=L(lin.weight_u), v1=L(lin.weight_v), gw=L(lin.weight_orig.grad), gx=L(x.grad))
for _ in range(2): y = lin(X)
rec['y3'] = L(y); rec['u3'] = L(lin.weight_u); rec['v3'] = L(lin.weight_v)
nn.utils.remove_spectral_norm(lin)
rec['removed_keys'] = list(lin.state_dict().keys()); rec['removed_w'] = L(lin.weight)
out['sn_legacy'] = rec
# training a weight-normed Linear (a parametrization written as torch 2.x's _WeightNorm) 3 SGD steps
class WN(nn.Module):
    def forward(self, g, v): return torch._weight_norm(v, g, 0)
    def right_inverse(self, w): return torch.norm_except_dim(w, 2, 0), w
lin = nn.Linear(3, 4); lin.weight.data.copy_(W); lin.bias.data.copy_(B)
P.register_parametrization(lin, 'weight', WN(), unsafe=True)
out['train_keys'] = list(lin.state_dict().keys())
opt = torch.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
losses = []
for s in range(3):
    opt.zero_grad(); l = ((lin(X) - 1) ** 2).mean(); l.backward(); opt.step(); losses.append(l.item())
out['train'] = dict(losses=losses, g=L(lin.parametrizations.weight.original0), v=L(lin.parametrizations.weight.original1), b=L(lin.bias), w=L(lin.weight))
P.remove_parametrizations(lin, 'weight')
out['train']['removed_keys'] = list(lin.state_dict().keys())
# fusion
conv = nn.Conv2d(2, 3, 2); conv.weight.data.copy_(CW); conv.bias.data.copy_(torch.tensor([0.1, 0.2, -0.3]))
bn = nn.BatchNorm2d(3); bn.running_mean.copy_(torch.tensor([0.5, -1.0, 0.25])); bn.running_var.copy_(torch.tensor([2.0, 0.5, 1.5])); bn.weight.data.copy_(torch.tensor([1.5, -0.5, 2.0])); bn.bias.data.copy_(torch.tensor([0.3, 0.0, -0.2]))
conv.eval(); bn.eval()
f = torch.nn.utils.fusion.fuse_conv_bn_eval(conv, bn)
out['fuse_conv'] = dict(w=L(f.weight), b=L(f.bias))
lin = nn.Linear(3, 4); lin.weight.data.copy_(W); lin.bias.data.copy_(B)
bn1 = nn.BatchNorm1d(4); bn1.running_mean.copy_(torch.tensor([0.5, -1.0, 0.25, 0.0])); bn1.running_var.copy_(torch.tensor([2.0, 0.5, 1.5, 1.0])); bn1.weight.data.copy_(torch.tensor([1.5, -0.5, 2.0, 1.0])); bn1.bias.data.copy_(torch.tensor([0.3, 0.0, -0.2, 0.1]))
lin.eval(); bn1.eval()
f = torch.nn.utils.fusion.fuse_linear_bn_eval(lin, bn1)
out['fuse_linear'] = dict(w=L(f.weight), b=L(f.bias))
# functional_call
lin = nn.Linear(3, 4)
w2 = (W * 2).requires_grad_()
y = torch.nn.utils.stateless.functional_call(lin, {'weight': w2, 'bias': B}, (X,))
(y * WT).sum().backward()
out['fcall'] = dict(y=L(y), gw=L(w2.grad))
print(json.dumps(out))
*/

/* The script that made GO (torch 1.13, float64):
import torch, json
torch.set_default_dtype(torch.float64)
from torch import nn
torch.manual_seed(0)
out = {}
def L(t): return t.detach().reshape(-1).tolist()
W3 = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.5]])
X3 = torch.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 1.5]])
for m in ['matrix_exp', 'cayley', 'householder']:
    lin = nn.Linear(3, 3); lin.weight.data.copy_(W3); lin.bias.data.zero_()
    torch.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=m)
    rec = dict(keys=list(lin.state_dict().keys()), w0=L(lin.weight), base=L(lin.parametrizations.weight[0].base), orig=L(lin.parametrizations.weight.original))
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    for s in range(2):
        opt.zero_grad(); l = ((lin(X3) - 1) ** 2).mean(); l.backward(); opt.step()
    rec['w2'] = L(lin.weight); rec['orig2'] = L(lin.parametrizations.weight.original)
    out['sq_' + m] = rec
# non-square: torch's base (random completion) is exported and loaded on the flintml side
for (i, o) in [(3, 5), (5, 3)]:
    for m in ['householder', 'matrix_exp', 'cayley']:
        lin = nn.Linear(i, o)
        lin.weight.data.copy_(torch.linspace(-1, 1.5, i * o).reshape(o, i) ** 2 - 0.3)
        torch.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=m)
        P = lin.parametrizations.weight
        with torch.no_grad(): P.original.copy_(torch.linspace(-0.5, 0.7, i * o).reshape(o, i).sin() * 3)
        x = torch.linspace(-1, 1, 2 * i).reshape(2, i)
        y = lin(x); (y * torch.linspace(-2, 1, 2 * o).reshape(2, o)).sum().backward()
        out[f'ns_{i}x{o}_{m}'] = dict(keys=list(lin.state_dict().keys()), base=L(P[0].base), baseShape=list(P[0].base.shape), orig=L(P.original), w=L(lin.weight), y=L(y), g=L(P.original.grad), b=L(lin.bias))
print(json.dumps(out))
*/
