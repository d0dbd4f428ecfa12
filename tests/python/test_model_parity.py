"""The C++ model (through tests/tools/model_tool) and the plain PyTorch twin
(searchformer_torch.py, which reads our model.safetensors with its own reader) give the
same fp32 logits on the same padded batch: max abs difference <= 1e-4."""
import json
import os
import subprocess
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import searchformer_torch as st  # noqa: E402

TOOL = os.environ.get("TRACEPLAY_MODEL_TOOL")
pytestmark = pytest.mark.skipif(not TOOL, reason="TRACEPLAY_MODEL_TOOL is not set (run through ctest)")

ARCH = {"preset": "custom", "vocab_size": 41, "dim": 64, "encoder_layers": 2, "decoder_layers": 3, "heads": 4,
        "ffn_multiple_of": 32, "ffn_hidden": 192, "norm_eps": 1e-5, "rope_base": 10000.0}


def padded(rows, pad, generator):
    """Right-padded rows; the padding holds random ids (the models must ignore them)."""
    longest = max(len(r) for r in rows)
    tokens = torch.randint(0, ARCH["vocab_size"], (len(rows), longest), generator=generator)
    mask = torch.zeros(len(rows), longest, dtype=torch.bool)
    for i, r in enumerate(rows):
        tokens[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = True
    return tokens, mask


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Runs the C++ model once: a seeded model saved as a checkpoint and its outputs."""
    tmp = tmp_path_factory.mktemp("parity")
    g = torch.Generator().manual_seed(5)
    prompt_lengths, decoder_lengths = [9, 23, 4, 15], [31, 7, 18, 2]
    prompts = [[0] + torch.randint(2, 41, (n - 2,), generator=g).tolist() + [1] for n in prompt_lengths]
    decoders = [[0] + torch.randint(2, 41, (n - 1,), generator=g).tolist() for n in decoder_lengths]
    prompt, prompt_mask = padded(prompts, 0, g)
    decoder, decoder_mask = padded(decoders, 0, g)
    (tmp / "arch.json").write_text(json.dumps(ARCH))
    st.write_safetensors(str(tmp / "batch.safetensors"),
                         {"prompt": prompt, "prompt_mask": prompt_mask, "decoder": decoder})
    result = subprocess.run([TOOL, "--config", str(tmp / "arch.json"), "--seed", "17", "--save", str(tmp / "seeded")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # Norm weights start at one; scatter them (a file written by our own writer, read by
    # the C++ loader) so that a norm that ignored its weight would show.
    weights = st.read_safetensors(str(tmp / "seeded" / "model.safetensors"))
    for name, w in weights.items():
        if "norm" in name or ".output.0." in name:
            weights[name] = w * (1 + 0.5 * torch.randn(w.shape, generator=g))
    (tmp / "ckpt").mkdir()
    st.write_safetensors(str(tmp / "ckpt" / "model.safetensors"), weights)
    # New weights from another writer: its config.json may not keep the seeded weights'
    # checksum (models/checkpoint_checksum.h), which would refuse them as corrupted.
    config = json.loads((tmp / "seeded" / "config.json").read_text())
    assert len(config.pop("weights_xxh64")) == 16
    (tmp / "ckpt" / "config.json").write_text(json.dumps(config))
    result = subprocess.run([TOOL, "--checkpoint", str(tmp / "ckpt"), "--batch", str(tmp / "batch.safetensors"),
                             "--out", str(tmp / "out.safetensors")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    cfg_json = json.loads((tmp / "ckpt" / "config.json").read_text())
    assert cfg_json["arch"]["dim"] == 64 and cfg_json["format"] == "traceplay-model"
    return {"tmp": tmp, "prompt": prompt, "prompt_mask": prompt_mask, "decoder": decoder, "decoder_mask": decoder_mask,
            "arch": cfg_json["arch"], "out": st.read_safetensors(str(tmp / "out.safetensors"))}


def twin(run):
    model = st.Searchformer(st.Config(**run["arch"]))
    model.load_safetensors(str(run["tmp"] / "ckpt" / "model.safetensors"))
    return model.eval()


def max_diff_on_real_positions(a, b, mask):
    return float(((a - b).abs() * mask[..., None]).max())


def test_logits_match_the_cpp_model(run):
    torch.set_num_threads(1)
    model = twin(run)
    with torch.no_grad():
        logits = model(run["prompt"], run["prompt_mask"], run["decoder"])
        features = model.encode(run["prompt"], run["prompt_mask"])
    cpp = run["out"]["logits"]
    assert cpp.shape == logits.shape == (4, 31, 41)
    assert float(cpp.abs().max()) > 0.1  # real logits, not zeros
    # Every position, padded ones included (causality keeps them finite and equal too).
    assert float((cpp - logits).abs().max()) <= 1e-4
    assert max_diff_on_real_positions(run["out"]["features"], features, run["prompt_mask"]) <= 1e-4


def test_cached_logits_match_on_both_sides(run):
    torch.set_num_threads(1)
    model = twin(run)
    cached = model.cached_logits(run["prompt"], run["prompt_mask"], run["decoder"])
    assert float((run["out"]["cached_logits"] - cached).abs().max()) <= 1e-4
    assert float((run["out"]["cached_logits"] - run["out"]["logits"]).abs().max()) <= 1e-4


def test_the_comparison_notices_a_different_architecture(run, monkeypatch):
    """Negative controls: the same weights with RoPE on split halves instead of interleaved
    pairs, or the norm without its weight, or no prompt-padding mask in the encoder, give
    clearly different logits (so the parity above is not vacuous)."""
    torch.set_num_threads(1)
    cpp = run["out"]["logits"]

    def diff():
        with torch.no_grad():
            return float((twin(run)(run["prompt"], run["prompt_mask"], run["decoder"]) - cpp).abs().max())

    def half_split_rope(x, cos, sin):
        x0, x1 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
        return torch.cat((x0 * cos - x1 * sin, x0 * sin + x1 * cos), -1)

    with monkeypatch.context() as m:
        m.setattr(st, "apply_rope", half_split_rope)
        assert diff() > 1e-2
    with monkeypatch.context() as m:
        m.setattr(st.RMSNorm, "forward", lambda self, x: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))
        assert diff() > 1e-2
    original = st.Searchformer.encode

    def unmasked_encoder(self, prompt, prompt_mask):
        return original(self, prompt, torch.ones_like(prompt_mask))

    with monkeypatch.context() as m:
        m.setattr(st.Searchformer, "encode", unmasked_encoder)
        # Only the encoder changed: the cross-attention mask stays (decode gets the real mask).
        m.setattr(st.Searchformer, "forward", lambda self, p, pm, d: self.decode(d, unmasked_encoder(self, p, pm), pm))
        assert diff() > 1e-3


def test_a_saved_checkpoint_gives_the_seeded_models_logits_bit_for_bit(run):
    tmp = run["tmp"]
    outputs = []
    for source in (["--config", str(tmp / "arch.json"), "--seed", "17"], ["--checkpoint", str(tmp / "seeded")]):
        out = tmp / "seeded-out.safetensors"
        result = subprocess.run([TOOL, *source, "--batch", str(tmp / "batch.safetensors"), "--out", str(out)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append(st.read_safetensors(str(out))["logits"])
    assert torch.equal(outputs[0], outputs[1])


def test_twin_generates_and_trains():
    """The twin's own decoding loop and training step (the benchmark's PyTorch side)."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = st.Searchformer(st.Config(vocab_size=20, dim=32, encoder_layers=1, decoder_layers=1, heads=2,
                                      ffn_multiple_of=16))
    prompt = torch.randint(2, 20, (3, 6))
    mask = torch.ones(3, 6, dtype=torch.bool)
    out = model.generate(prompt, mask, 12, stop_at_eos=False)
    assert out.shape == (3, 12) and bool((out[:, 0] == 0).all())
    # Greedy tokens are the argmax of the full decoder's logits at every position.
    with torch.no_grad():
        full = model(prompt, mask, out)
    assert torch.equal(full[:, :-1].argmax(-1), out[:, 1:])
    decoder = torch.cat([torch.zeros(3, 1, dtype=torch.long), torch.randint(2, 20, (3, 8)),
                         torch.ones(3, 1, dtype=torch.long)], 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    first = st.train_step(model, optimizer, prompt, mask, decoder, torch.ones_like(decoder, dtype=torch.bool))
    for _ in range(30):
        last = st.train_step(model, optimizer, prompt, mask, decoder, torch.ones_like(decoder, dtype=torch.bool))
    assert last < 0.5 * first
