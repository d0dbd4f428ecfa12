"""A plain PyTorch twin of traceplay's Searchformer encoder-decoder (models/transformer.h).

Written independently of the C++ model from the architecture's description, for two
uses: the logit parity test (test_model_parity.py loads our model.safetensors with the
small reader below and compares logits), and the PyTorch side of `traceplay bench train`
and `traceplay bench decode` (bench/torch_peer.py).

Architecture (as the Searchformer reference): pre-RMSNorm blocks (eps from the config,
variance in fp32), SwiGLU feed-forward, no biases, RoPE (interleaved pairs) on q and k
in self-attention only, a non-causal encoder whose self-attention masks prompt padding
(our deliberate deviation from the reference) ending in RMSNorm + Linear(dim, dim), a
causal decoder with cross-attention masked to the real prompt tokens ending in RMSNorm +
Linear(dim, vocab). Debian's torch 1.13 has no scaled_dot_product_attention, so
attention is written out.
"""
import json
import math
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

# --- safetensors: 8-byte little-endian header length, JSON header, raw bytes -------------

_DTYPES = {
    "F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def read_safetensors(path):
    """{name: tensor} in file order (CPU); raises ValueError on a malformed file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        raise ValueError(f"{path}: header length {length} runs past the end")
    header = json.loads(data[8:8 + length])
    base = 8 + length
    out = {}
    entries = sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0])
    for name, entry in entries:
        begin, end = entry["data_offsets"]
        if not 0 <= begin <= end <= len(data) - base:
            raise ValueError(f"{path}: tensor {name!r} has offsets outside the file")
        dtype = _DTYPES[entry["dtype"]]
        raw = bytearray(data[base + begin:base + end])
        read_as = torch.uint8 if dtype is torch.bool else dtype
        flat = torch.frombuffer(raw, dtype=read_as) if raw else torch.empty(0, dtype=read_as)
        if dtype is torch.bool:
            flat = flat.ne(0)
        out[name] = flat.reshape(entry["shape"])
    return out


def write_safetensors(path, tensors):
    """Writes {name: tensor} (CPU copies) in the given order."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        # numpy has neither bool-as-byte nor bfloat16 views of its own: reinterpret first.
        plain = t.to(torch.uint8) if t.dtype is torch.bool else t.view(torch.int16) if t.dtype is torch.bfloat16 else t
        raw = plain.numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


# --- the model ----------------------------------------------------------------------------

class Config:
    """The architecture (the keys of config.json's "arch")."""

    def __init__(self, vocab_size, dim=192, encoder_layers=6, decoder_layers=6, heads=3, ffn_multiple_of=256,
                 norm_eps=1e-5, rope_base=10000.0, **unused):
        self.vocab_size, self.dim, self.heads = vocab_size, dim, heads
        self.encoder_layers, self.decoder_layers = encoder_layers, decoder_layers
        self.norm_eps, self.rope_base = norm_eps, rope_base
        hidden = int(2 * 4 * dim / 3)
        self.ffn_hidden = ffn_multiple_of * ((hidden + ffn_multiple_of - 1) // ffn_multiple_of)
        self.head_dim = dim // heads

    @staticmethod
    def preset(name, vocab_size):
        sizes = {"s": (192, 6, 3), "m": (384, 8, 4), "l": (768, 9, 4), "xl": (1152, 16, 12)}[name]
        return Config(vocab_size, dim=sizes[0], encoder_layers=sizes[1], decoder_layers=sizes[1], heads=sizes[2])


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = x.float()
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.wq = nn.Linear(dim, dim, bias=False)
        self.wk = nn.Linear(dim, dim, bias=False)
        self.wv = nn.Linear(dim, dim, bias=False)
        self.wo = nn.Linear(dim, dim, bias=False)


class FeedForward(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, cfg, cross):
        super().__init__()
        self.attention = Attention(cfg.dim)
        if cross:
            self.attention_feat = Attention(cfg.dim)
        self.feed_forward = FeedForward(cfg.dim, cfg.ffn_hidden)
        self.attention_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        if cross:
            self.attention_feat_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.ffn_norm = RMSNorm(cfg.dim, cfg.norm_eps)


class Stack(nn.Module):
    def __init__(self, cfg, layers, cross, out):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = nn.ModuleList(Block(cfg, cross) for _ in range(layers))
        self.output = nn.Sequential(RMSNorm(cfg.dim, cfg.norm_eps), nn.Linear(cfg.dim, out, bias=False))


def rope_tables(n, head_dim, base):
    """cos, sin [n, head_dim / 2]: angles position x base^(-2i / head_dim) in float64,
    rounded once to float32 (as models/transformer.cpp)."""
    inv_freq = 1.0 / base ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = torch.outer(torch.arange(n, dtype=torch.float64), inv_freq)
    return angles.cos().float(), angles.sin().float()


def apply_rope(x, cos, sin):
    """Rotates the interleaved pairs (x[..., 0::2], x[..., 1::2]) of x [B, T, H, hd];
    cos/sin broadcastable to [B, T, H, hd / 2]."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


def attention(q, k, v, bias=None):
    """q [B, H, Tq, hd], k/v [B, H, Tk, hd]; bias additive, broadcastable to the scores."""
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    if bias is not None:
        scores = scores + bias
    return torch.matmul(scores.softmax(-1), v)


def key_bias(valid):
    """[B, Tk] bool (true = real) -> additive [B, 1, 1, Tk] of 0 / -inf."""
    return torch.zeros(valid.shape, dtype=torch.float32, device=valid.device).masked_fill(
        ~valid, float("-inf"))[:, None, None, :]


class Searchformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.encoder = Stack(cfg, cfg.encoder_layers, False, cfg.dim)
        self.decoder = Stack(cfg, cfg.decoder_layers, True, cfg.vocab_size)
        self._rope = (torch.empty(0, cfg.head_dim // 2), torch.empty(0, cfg.head_dim // 2))

    def rope(self, n):
        if self._rope[0].shape[0] < n or self._rope[0].device != self.encoder.embedding.weight.device:
            with torch.inference_mode(False):  # plain tensors, usable by training later
                cos, sin = rope_tables(max(n, 1024), self.cfg.head_dim, self.cfg.rope_base)
            device = self.encoder.embedding.weight.device
            self._rope = (cos.to(device), sin.to(device))
        return self._rope[0][:n], self._rope[1][:n]

    def load_safetensors(self, path):
        tensors = read_safetensors(path)
        own = dict(self.named_parameters())
        if set(tensors) != set(own):
            raise ValueError(f"{path}: tensors differ: missing {sorted(set(own) - set(tensors))}, "
                             f"extra {sorted(set(tensors) - set(own))}")
        with torch.no_grad():
            for name, p in own.items():
                if tensors[name].shape != p.shape:
                    raise ValueError(f"{path}: {name} has shape {tuple(tensors[name].shape)}, expected {tuple(p.shape)}")
                p.copy_(tensors[name])
        return self

    def _heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.cfg.heads, self.cfg.head_dim)

    def _self_attention(self, att, x, cos, sin, bias):
        q = apply_rope(self._heads(att.wq(x)), cos, sin).transpose(1, 2)
        k = apply_rope(self._heads(att.wk(x)), cos, sin).transpose(1, 2)
        v = self._heads(att.wv(x)).transpose(1, 2)
        o = attention(q, k, v, bias)
        return att.wo(o.transpose(1, 2).reshape(x.shape))

    def _cross_attention(self, att, x, features, bias):
        q = self._heads(att.wq(x)).transpose(1, 2)
        k = self._heads(att.wk(features)).transpose(1, 2)
        v = self._heads(att.wv(features)).transpose(1, 2)
        return att.wo(attention(q, k, v, bias).transpose(1, 2).reshape(x.shape))

    def encode(self, prompt, prompt_mask):
        cos, sin = self.rope(prompt.shape[1])
        cos, sin = cos[None, :, None, :], sin[None, :, None, :]
        bias = key_bias(prompt_mask.bool())
        x = self.encoder.embedding(prompt)
        for blk in self.encoder.layers:
            h = x + self._self_attention(blk.attention, blk.attention_norm(x), cos, sin, bias)
            x = h + blk.feed_forward(blk.ffn_norm(h))
        return self.encoder.output(x)

    def decode(self, tokens, features, prompt_mask):
        t = tokens.shape[1]
        cos, sin = self.rope(t)
        cos, sin = cos[None, :, None, :], sin[None, :, None, :]
        causal = torch.full((t, t), float("-inf"), device=tokens.device).triu(1)
        cross_bias = key_bias(prompt_mask.bool())
        x = self.decoder.embedding(tokens)
        for blk in self.decoder.layers:
            h = x + self._self_attention(blk.attention, blk.attention_norm(x), cos, sin, causal)
            h = h + self._cross_attention(blk.attention_feat, blk.attention_feat_norm(h), features, cross_bias)
            x = h + blk.feed_forward(blk.ffn_norm(h))
        return self.decoder.output(x).float()

    def forward(self, prompt, prompt_mask, decoder_tokens):
        return self.decode(decoder_tokens, self.encode(prompt, prompt_mask), prompt_mask)

    # --- cached decoding (all rows at the same position, as the reference's rollout) ----

    def start_cache(self, prompt, prompt_mask, capacity):
        features = self.encode(prompt, prompt_mask)
        b, h, hd = prompt.shape[0], self.cfg.heads, self.cfg.head_dim
        cache = {"pos": 0, "bias": key_bias(prompt_mask.bool()), "layers": []}
        for blk in self.decoder.layers:
            att = blk.attention_feat
            cache["layers"].append({
                "k": torch.zeros(b, h, capacity, hd, device=prompt.device),
                "v": torch.zeros(b, h, capacity, hd, device=prompt.device),
                "ck": self._heads(att.wk(features)).transpose(1, 2),
                "cv": self._heads(att.wv(features)).transpose(1, 2),
            })
        self.rope(capacity)
        return cache

    def step(self, cache, tokens):
        """Feeds tokens [B] at the cache's position; returns the next-token logits [B, V]."""
        pos = cache["pos"]
        cos, sin = self._rope[0][pos:pos + 1][None, :, None, :], self._rope[1][pos:pos + 1][None, :, None, :]
        x = self.decoder.embedding(tokens)[:, None, :]
        for blk, layer in zip(self.decoder.layers, cache["layers"]):
            att, xn = blk.attention, blk.attention_norm(x)
            q = apply_rope(self._heads(att.wq(xn)), cos, sin).transpose(1, 2)
            layer["k"][:, :, pos] = apply_rope(self._heads(att.wk(xn)), cos, sin)[:, 0]
            layer["v"][:, :, pos] = self._heads(att.wv(xn))[:, 0]
            o = attention(q, layer["k"][:, :, :pos + 1], layer["v"][:, :, :pos + 1])
            h = x + att.wo(o.transpose(1, 2).reshape(x.shape))
            feat = blk.attention_feat
            cq = self._heads(feat.wq(blk.attention_feat_norm(h))).transpose(1, 2)
            h = h + feat.wo(attention(cq, layer["ck"], layer["cv"], cache["bias"]).transpose(1, 2).reshape(x.shape))
            x = h + blk.feed_forward(blk.ffn_norm(h))
        cache["pos"] = pos + 1
        return self.decoder.output(x)[:, 0].float()

    @torch.inference_mode()
    def cached_logits(self, prompt, prompt_mask, decoder_tokens):
        """Teacher-forced logits [B, T, V] through the cache, one step per column."""
        cache = self.start_cache(prompt, prompt_mask, decoder_tokens.shape[1])
        return torch.stack([self.step(cache, decoder_tokens[:, t]) for t in range(decoder_tokens.shape[1])], 1)

    @torch.inference_mode()
    def generate(self, prompt, prompt_mask, max_len, bos=0, eos=1, temperature=0.0, top_k=0, stop_at_eos=True,
                 generator=None):
        """Greedy (temperature 0) or sampled rows [B, <= max_len] starting with bos; rows
        that reached eos keep going until all have (or max_len)."""
        b = prompt.shape[0]
        cache = self.start_cache(prompt, prompt_mask, max_len)
        out = torch.full((b, max_len), bos, dtype=torch.long, device=prompt.device)
        done = torch.zeros(b, dtype=torch.bool, device=prompt.device)
        length = 1
        for i in range(max_len - 1):
            logits = self.step(cache, out[:, i])
            if temperature <= 0:
                nxt = logits.argmax(-1)
            else:
                logits = logits / temperature
                if top_k > 0:
                    kth = logits.topk(min(top_k, logits.shape[-1]), -1).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                nxt = torch.multinomial(logits.softmax(-1), 1, generator=generator)[:, 0]
            out[:, i + 1] = nxt
            length = i + 2
            done |= nxt == eos
            if stop_at_eos and bool(done.all()):
                break
        return out[:, :length]


# --- training -----------------------------------------------------------------------------

def sequence_loss(logits, targets, target_mask):
    """Cross-entropy averaged per sequence over its real targets, then over the batch
    (the reference's averaging)."""
    nll = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="none").view(targets.shape)
    mask = target_mask.float()
    return ((nll * mask).sum(1) / mask.sum(1).clamp(min=1)).mean()


def train_step(model, optimizer, prompt, prompt_mask, decoder, decoder_mask, clip=1.0):
    """One AdamW step on a teacher-forced batch; decoder [B, T] holds bos ... eos, padded."""
    logits = model(prompt, prompt_mask, decoder[:, :-1])
    loss = sequence_loss(logits, decoder[:, 1:], decoder_mask[:, 1:])
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return float(loss)
