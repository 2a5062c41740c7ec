// onnx/index.ts — `fl.onnx`: export a model to ONNX by tracing a forward pass (lib/onnx/export.ts).
export { exportModel as export } from './export';
export type { ExportOptions, Exportable } from './export';
