// onnxruntime-node builds typed arrays in Node's main context, while Jest runs each test
// file in a VM context whose Float32Array is a different constructor; the binding then
// rejects tensors ("A float32 tensor's data must be type of function Float32Array()").
// Handing the main context's constructors to the test global makes both sides agree.
const { TestEnvironment } = require("jest-environment-node");

const SHARED = [
  "ArrayBuffer", "SharedArrayBuffer", "DataView",
  "Float32Array", "Float64Array", "Int8Array", "Int16Array", "Int32Array",
  "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
];

class NodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeEnvironment;
