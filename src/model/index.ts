export { createOnnxDetector, DEFAULT_BATCH_SIZE, type OnnxDetectorOptions } from "./create-onnx-detector.js";
export { ModelBundleError, isModelBundleError } from "./bundle-error.js";
export { loadBundle, type ModelBundle } from "./load-bundle.js";
export type { ModelManifest } from "./manifest.js";
