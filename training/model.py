"""The cwe-review encoder and its heads (pretraining, fine-tuning and export share it).

Attention is written with plain matmuls rather than nn.TransformerEncoder: torch 1.13's
fused "fast path" for the encoder layer does not export to ONNX opset 14, and plain ops
export with dynamic batch and length.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class Config:
    def __init__(self, vocab_size, d_model=256, layers=4, heads=4, ff=1024, max_len=256, dropout=0.1, causal=False):
        self.vocab_size = vocab_size
        self.causal = causal
        self.d_model = d_model
        self.layers = layers
        self.heads = heads
        self.ff = ff
        self.max_len = max_len
        self.dropout = dropout

    def to_dict(self):
        return dict(self.__dict__)

    @staticmethod
    def from_dict(d):
        return Config(**d)


class Block(nn.Module):
    """Pre-norm Transformer block (pre-norm trains stably without long warmups)."""

    def __init__(self, cfg):
        super().__init__()
        self.heads = cfg.heads
        self.scale = 1.0 / math.sqrt(cfg.d_model // cfg.heads)
        self.norm1 = nn.LayerNorm(cfg.d_model)
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.norm2 = nn.LayerNorm(cfg.d_model)
        self.ff1 = nn.Linear(cfg.d_model, cfg.ff)
        self.ff2 = nn.Linear(cfg.ff, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, bias):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        q = q.reshape(b, t, h, -1).transpose(1, 2)
        k = k.reshape(b, t, h, -1).transpose(1, 2)
        v = v.reshape(b, t, h, -1).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale + bias
        att = self.drop(torch.softmax(scores, dim=-1))
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        x = x + self.drop(self.proj(y))
        x = x + self.drop(self.ff2(F.gelu(self.ff1(self.norm2(x)))))
        return x


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.layers)])
        self.norm = nn.LayerNorm(cfg.d_model)
        self.apply(_init)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.tok(input_ids) + self.pos(positions))
        # Padding keys get a large negative bias (not -inf: a fully padded row stays finite).
        bias = (1.0 - attention_mask.to(x.dtype))[:, None, None, :] * -1e4
        if self.cfg.causal:
            # Built from positions (not torch.triu) so it exports as plain comparisons with
            # dynamic length; the [t, t] mask broadcasts over batch and heads.
            bias = bias + (positions.transpose(0, 1) < positions).to(x.dtype) * -1e4
        for block in self.blocks:
            x = block(x, bias)
        return self.norm(x)


def _init(module):
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


class MaskedLM(nn.Module):
    """Encoder + token-prediction head tied to the input embedding (masked tokens for an
    MLM, the next token for a causal encoder)."""

    def __init__(self, cfg):
        super().__init__()
        self.encoder = Encoder(cfg)
        self.transform = nn.Linear(cfg.d_model, cfg.d_model)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        _init(self.transform)

    def forward(self, input_ids, attention_mask, positions):
        """Logits over the vocabulary at the flat `positions` (only those predicted: cheap)."""
        h = self.encoder(input_ids, attention_mask)
        h = h.reshape(-1, h.shape[-1])[positions]
        h = self.norm(F.gelu(self.transform(h)))
        return h @ self.encoder.tok.weight.t() + self.bias


class Classifier(nn.Module):
    """Encoder + window multi-label head + per-token multi-label head.

    Pools ("window_pool"):
    - "cls_mean": window logits from [CLS] concatenated with the masked mean of token states.
    - "token_max": a window has weakness X when one of its tokens does (max over tokens).
    - "factored": the token head gives one "weakness here" logit and a softmax over CWEs;
      P(token has CWE c) = sigmoid(weakness) * softmax(cwe)[c], and the window takes the
      max over tokens. Independent per-CWE sigmoids with positive weights learned to raise
      every injection-like CWE together on any tainted flow (0.2.0 scored a SHA-1 MAC as
      SQL injection, command injection and XSS at 0.6 each); the softmax makes CWEs
      compete, and whether there is a weakness is learned once, from every label's data.
    Token logits score every token (a line's score is the max over its tokens, done in serving).
    Outputs are always logits of per-label probabilities, so the ONNX contract is unchanged.
    """

    def __init__(self, cfg, labels, window_pool="cls_mean"):
        super().__init__()
        self.window_pool = window_pool
        self.encoder = Encoder(cfg)
        d = cfg.d_model
        token_out = labels + 1 if window_pool == "factored" else labels
        self.window_head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(2 * d, d), nn.GELU(), nn.Linear(d, labels))
        self.token_head = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(d, d), nn.GELU(), nn.Linear(d, token_out))
        self.window_head.apply(_init)
        self.token_head.apply(_init)

    def forward(self, input_ids, attention_mask):
        window_logits, token_logits, _, _ = self.parts(input_ids, attention_mask)
        return window_logits, token_logits

    def parts(self, input_ids, attention_mask):
        """(window logits, token logits, weakness logit per token or None, CWE logits per token or None)."""
        h = self.encoder(input_ids, attention_mask)
        m = attention_mask.to(h.dtype).unsqueeze(-1)
        raw = self.token_head(h)
        if self.window_pool == "factored":
            weakness, cwe = raw[..., 0], raw[..., 1:]
            # log sigmoid(x) as -softplus(-x): exported as LogSigmoid = Log(Sigmoid), onnxruntime's
            # fast sigmoid loses ~1e-3 in log space for very unlikely tokens (x ≈ -20).
            log_p = -F.softplus(-weakness).unsqueeze(-1) + torch.log_softmax(cwe, dim=-1)
            # logit(p) = log p - log(1 - p); capping log p keeps 1 - p representable in float32.
            log_p = torch.clamp(log_p, max=-1e-4)
            token_logits = log_p - torch.log(1.0 - torch.exp(log_p))
        else:
            weakness, cwe, token_logits = None, None, raw
        if self.window_pool in ("token_max", "factored"):
            window_logits = (token_logits + (m - 1.0) * 1e4).max(dim=1)[0]
        else:
            mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            window_logits = self.window_head(torch.cat([h[:, 0], mean], dim=-1))
        return window_logits, token_logits, weakness, cwe


def count_params(module, include_embeddings=True):
    total = 0
    for name, p in module.named_parameters():
        if not include_embeddings and (name.endswith("tok.weight") or name.endswith("pos.weight")):
            continue
        total += p.numel()
    return total


def classifier_from(saved, dropout=None):
    """The Classifier of a model.pt written by finetune.py (`torch.load`ed), with its weights.
    Checkpoints from before `windowPool` was recorded used the cls_mean pool."""
    cfg = Config.from_dict(saved["config"])
    if dropout is not None:
        cfg.dropout = dropout
    model = Classifier(cfg, len(saved["labels"]), saved.get("windowPool", "cls_mean"))
    model.load_state_dict(saved["state"])
    return model
