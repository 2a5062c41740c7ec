// onnx-environment.js — the jest environment of test/onnx.test.ts: node's, with the typed-array
// classes of the outer realm. jest runs each test file in its own realm, but onnxruntime-node's
// native binding makes its output arrays in the outer one, and onnxruntime-common checks them with
// `instanceof Float32Array` (which fails across realms); sharing the classes makes the check pass.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array',
      'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray', 'ArrayBuffer']) {
      this.global[name] = globalThis[name];
    }
  }
}
module.exports = OnnxEnvironment;
