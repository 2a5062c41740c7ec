// setup.ts — runs around every unit test: each test must leave the live-tensor count where it
// found it (tests dispose what they make, usually with fl.scope or the `tracked` helper).
import * as fl from '../lib';

let before = 0;
beforeEach(() => {
  before = fl.memory.stats().liveTensors;
});
afterEach(() => {
  const after = fl.memory.stats().liveTensors;
  if (after !== before) {
    throw new Error(`test leaked tensors: liveTensors went from ${before} to ${after}`);
  }
});
