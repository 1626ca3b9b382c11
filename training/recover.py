"""Rebuilds a fine-tuned model.pt from a committed bundle (model.onnx + manifest.json), checked against the
bundle's own parity fixture, so the shipped model can be re-scored or fine-tuned further without the
ignored `training/runs/` it came from (a fresh checkout has none).

  recover.py --bundle models/cwe-review-small --out training/runs/shipped

The ONNX graph holds every weight the exported outputs depend on: norms, biases and embeddings under their
torch names, and each Linear weight as the transposed right operand of a MatMul whose node is named after
the module (`/encoder/blocks.0/qkv/MatMul`). The unused window head of a factored model is not in the graph;
it is initialised as fine-tuning would. Head count and dropout are not weights: they come from the manifest's
training arguments, and the parity check fails if they are wrong.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper
import torch

from common import atomic_save, log
from model import Classifier, Config

PARITY_TOLERANCE = 1e-4


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--bundle", default="models/cwe-review-small", help="folder with model.onnx and manifest.json")
    p.add_argument("--out", required=True, help="folder for model.pt")
    return p.parse_args()


def matmul_owner(node_name, keys):
    """The state-dict weight a MatMul node's constant belongs to: the longest `<module>.weight` whose module
    path ends the node's scope (`/token_head/token_head.1/MatMul` → `token_head.1.weight`)."""
    scope = ".".join(node_name.strip("/").split("/")[:-1])
    owners = [k for k in keys if k.endswith(".weight") and scope.endswith(k[: -len(".weight")])]
    return max(owners, key=len) if owners else None


def onnx_weights(graph, keys):
    """{state-dict key: array} for every weight the graph carries."""
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    weights = {name: value for name, value in inits.items() if name in keys}
    for node in graph.node:
        if node.op_type != "MatMul":
            continue
        for name in node.input:
            if name in inits and name not in keys:
                owner = matmul_owner(node.name, keys)
                if owner is None:
                    raise SystemExit(f"cannot tell which module MatMul {node.name} belongs to")
                weights[owner] = inits[name].T
    return weights


def is_causal(graph):
    """The causal mask is exported as a position comparison inside the encoder."""
    return any(n.op_type == "Less" and n.name.startswith("/encoder/") for n in graph.node)


def rebuild(bundle):
    """(Classifier with the bundle's weights, manifest)."""
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    graph = onnx.load(os.path.join(bundle, "model.onnx")).graph
    inits = {i.name: i for i in graph.initializer}
    args = manifest.get("training", {}).get("args", {})
    vocab, d = inits["encoder.tok.weight"].dims
    layers = len({n.split(".")[2] for n in inits if n.startswith("encoder.blocks.")})
    ff = inits["encoder.blocks.0.ff1.bias"].dims[0]
    max_len = inits["encoder.pos.weight"].dims[0]
    cfg = Config(vocab, d, layers, args.get("heads", 4), ff, max_len, args.get("dropout", 0.1), is_causal(graph))
    labels = manifest["labels"]
    token_out = inits["token_head.3.bias"].dims[0]
    pool = "factored" if token_out == len(labels) + 1 else "token_max"
    torch.manual_seed(args.get("seed", 4321))
    model = Classifier(cfg, len(labels), pool)
    state = model.state_dict()
    weights = onnx_weights(graph, set(state))
    missing = [k for k in state if k not in weights and not k.startswith("window_head.")]
    if missing:
        raise SystemExit(f"the graph lacks {len(missing)} weights the model needs, e.g. {missing[:3]}")
    for key, value in weights.items():
        if tuple(value.shape) != tuple(state[key].shape):
            raise SystemExit(f"{key}: graph has shape {value.shape}, the model {tuple(state[key].shape)}")
        state[key] = torch.from_numpy(np.array(value, dtype=np.float32))
    model.load_state_dict(state)
    return model.eval(), manifest


def parity_error(model, bundle):
    """Largest absolute difference between this model's outputs and the bundle's parity fixture."""
    parity = json.load(open(os.path.join(bundle, "parity.json")))
    ids = torch.tensor(parity["inputs"]["input_ids"], dtype=torch.int64)
    mask = torch.tensor(parity["inputs"]["attention_mask"], dtype=torch.int64)
    with torch.no_grad():
        window, token = model(ids, mask)
    expected_w = np.array(parity["outputs"]["window_logits"])
    expected_t = np.array(parity["outputs"]["token_logits"])
    return max(np.abs(window.numpy() - expected_w).max(), np.abs(token.numpy() - expected_t).max())


def main():
    args = parse_args()
    model, manifest = rebuild(args.bundle)
    error = parity_error(model, args.bundle)
    if not error <= PARITY_TOLERANCE:
        raise SystemExit(f"rebuilt model differs from {args.bundle}/parity.json by {error:.2e} (> {PARITY_TOLERANCE}): "
                         "the manifest's head count or the graph's layout is not what this script expects")
    training = dict(manifest.get("training", {}))
    training["recoveredFrom"] = {"bundle": args.bundle, "version": manifest.get("version"),
                                 "parityError": float(error)}
    saved = {
        "config": model.encoder.cfg.to_dict(), "labels": manifest["labels"], "windowPool": model.window_pool,
        "state": model.state_dict(), "thresholds": manifest["thresholds"], "lineThreshold": manifest["lineThreshold"],
        "training": training, "eval": manifest.get("eval", {}),
    }
    os.makedirs(args.out, exist_ok=True)
    atomic_save(saved, os.path.join(args.out, "model.pt"))
    log(f"rebuilt {manifest['name']} {manifest.get('version')} from {args.bundle}: parity error {error:.2e}; "
        f"saved {os.path.join(args.out, 'model.pt')}")


if __name__ == "__main__":
    main()
