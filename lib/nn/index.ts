// nn — layers, losses and initialisation (`fl.nn`). Each file adds one family.
export { Module, Parameter, isParameter } from './module';
export * as utils from './utils';
export * from './rnn';
export * from './rnn_cell';
export * from './attention';
export * from './conv';
export * from './containers';
export * from './layers';
export * from './norm';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './loss';
export type { Reduction } from './loss';
export * as init from './init';
export * as functional from './functional';
export * as parallel from './parallel';
