// nn — layers, losses and initialisation (`fl.nn`). Each file adds one family.
export { Module, Parameter, isParameter } from './module';
