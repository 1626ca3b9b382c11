import { spawnSync } from "node:child_process";

/** Debian's Python with torch, numpy and onnx (issue 4, "Training setup"). */
const PYTHON = "/usr/bin/python3";

function python(code: string, args: string[]): string {
  const run = spawnSync(PYTHON, ["-c", code, ...args], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr.slice(-500)}`);
  return run.stdout.trim();
}

/**
 * GFLOP/s of a float32 1024×1024 matmul with torch on `threads` threads (best of ~2 s of
 * repeats): the machine's practical peak that the issue compares the model with.
 */
export function matmulPeakGflops(threads: number): number {
  const code = `
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
a = torch.randn(1024, 1024); b = torch.randn(1024, 1024)
for _ in range(3): a @ b
best = 0.0
end = time.perf_counter() + 2.0
while time.perf_counter() < end:
    t = time.perf_counter(); a @ b; dt = time.perf_counter() - t
    best = max(best, 2 * 1024**3 / dt / 1e9)
print(best)`;
  return Number(python(code, [String(threads)]));
}

/**
 * Multiply-add FLOPs of one window of `seq` tokens: ONNX shape inference with batch 1 and
 * length `seq`, then 2·M·N·K for every MatMul/Gemm (weights and attention alike). Other
 * ops (softmax, layer norm, GELU) are a few percent and left out. Matmuls whose shapes
 * inference cannot resolve (attention, behind Reshape/Transpose) are counted as
 * 2·seq²·width each, width = the model's hidden size (the first weight matmul's K).
 */
export function modelFlopsPerWindow(modelPath: string, seq: number): { flops: number; matmuls: number; unknown: number } {
  const code = `
import json, sys, onnx
from onnx import shape_inference
m = onnx.load(sys.argv[1]); seq = int(sys.argv[2])
for inp in m.graph.input:
    dims = inp.type.tensor_type.shape.dim
    dims[0].dim_value = 1; dims[1].dim_value = seq
m = shape_inference.infer_shapes(m, data_prop=True)
shapes = {}
for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
    shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else 0 for d in vi.type.tensor_type.shape.dim]
for init in m.graph.initializer:
    shapes[init.name] = list(init.dims)
inits = {init.name for init in m.graph.initializer}
flops = 0; count = 0; unknown = 0; width = 0
for node in m.graph.node:
    if node.op_type not in ("MatMul", "Gemm"): continue
    count += 1
    a = shapes.get(node.input[0]); out = shapes.get(node.output[0])
    trans_a = any(at.name == "transA" and at.i == 1 for at in node.attribute)
    if not a or not out or 0 in a or 0 in out:
        unknown += 1; continue
    k = a[-2] if trans_a else a[-1]
    if not width and node.input[1] in inits: width = k
    n = 1
    for d in out: n *= d
    flops += 2 * n * k
# Matmuls between two activations (attention scores, weighted values) lose their shapes
# behind Reshape/Transpose; over all heads each costs 2*seq*seq*width.
flops += unknown * 2 * seq * seq * width
print(json.dumps({"flops": flops, "matmuls": count, "unknown": unknown}))`;
  return JSON.parse(python(code, [modelPath, String(seq)])) as { flops: number; matmuls: number; unknown: number };
}
