// optim — optimizers and learning-rate schedulers (`fl.optim`), PyTorch's torch.optim in camelCase.
//
// ```ts
// const opt = new fl.optim.AdamW(model.parameters(), { lr: 3e-4 });
// const sched = new fl.optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 100 });
// ```
export { Optimizer } from './optimizer';
export type { ParamGroup, ParamGroupInput, Params, ParamState, OptimizerStateDict } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam, AdamW } from './adam';
export type { AdamOptions } from './adam';
export { RMSprop } from './rmsprop';
export type { RMSpropOptions } from './rmsprop';
export { Adagrad } from './adagrad';
export type { AdagradOptions } from './adagrad';
export { Adamax } from './adamax';
export type { AdamaxOptions } from './adamax';
export { NAdam } from './nadam';
export type { NAdamOptions } from './nadam';
export { RAdam } from './radam';
export type { RAdamOptions } from './radam';
export { Adadelta } from './adadelta';
export type { AdadeltaOptions } from './adadelta';
export { Rprop } from './rprop';
export type { RpropOptions } from './rprop';
export { ASGD } from './asgd';
export type { ASGDOptions } from './asgd';
export { LBFGS } from './lbfgs';
export type { LBFGSOptions, LBFGSClosure } from './lbfgs';
export * as lrScheduler from './lr_scheduler';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR, SequentialLR,
  ConstantLR, MultiplicativeLR, PolynomialLR, ChainedScheduler, ReduceLROnPlateau, CyclicLR, CosineAnnealingWarmRestarts,
} from './lr_scheduler';
export type { OneCycleLROptions, ReduceLROnPlateauOptions, CyclicLROptions } from './lr_scheduler';
export * as swaUtils from './swa';
