// nn — layers, losses and initialisation (`fl.nn`). Each file adds one family.
export { Module, Parameter, isParameter } from './module';
export * as utils from './utils';
export * from './rnn';
export * from './attention';
export * from './conv';
