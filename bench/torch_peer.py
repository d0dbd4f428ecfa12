"""The PyTorch side of `traceplay bench train|decode`: the same model, batch and work in
plain PyTorch eager (tests/python/searchformer_torch.py), on the same device and thread
count. Prints one JSON object: {"value": tokens/s, "unit": ..., "peak_rss_mib": ...,
"torch": version}.

  python3 bench/torch_peer.py train  --preset s --vocab 128 --batch 16 --prompt 126 --decoder 400 --threads T --seconds S
  python3 bench/torch_peer.py decode --preset s --vocab 128 --batch 8 --prompt 126 --tokens 1000 --threads T
"""
import argparse
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))

import torch  # noqa: E402

import searchformer_torch as st  # noqa: E402


def config(args):
    if args.preset == "custom":
        return st.Config(args.vocab, dim=args.dim, encoder_layers=args.layers, decoder_layers=args.layers,
                         heads=args.heads)
    return st.Config.preset(args.preset, args.vocab)


def batch(args, rows, decoder_len, generator):
    """Random tokens; prompts of full length, decoder rows of 75%-100% of decoder_len
    (right-padded), the same rule as bench/model_bench.cpp."""
    prompt = torch.randint(2, args.vocab, (rows, args.prompt), generator=generator)
    prompt_mask = torch.ones(rows, args.prompt, dtype=torch.bool)
    decoder = torch.randint(2, args.vocab, (rows, decoder_len), generator=generator)
    lengths = torch.randint(decoder_len * 3 // 4, decoder_len + 1, (rows,), generator=generator)
    decoder_mask = torch.arange(decoder_len)[None, :] < lengths[:, None]
    decoder[:, 0] = 0
    return prompt, prompt_mask, decoder, decoder_mask


def bench_train(args, model):
    g = torch.Generator().manual_seed(1)
    prompt, prompt_mask, decoder, decoder_mask = batch(args, args.batch, args.decoder + 1, g)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.99), weight_decay=0.01)
    model.train()
    st.train_step(model, optimizer, prompt, prompt_mask, decoder, decoder_mask)  # warm-up
    # The best step of at least min_steps, as the C++ side measures.
    steps, start, best, best_cpu = 0, time.perf_counter(), float("inf"), float("inf")
    while steps < args.min_steps or time.perf_counter() - start < args.seconds:
        step_start, cpu_start = time.perf_counter(), time.process_time()
        st.train_step(model, optimizer, prompt, prompt_mask, decoder, decoder_mask)
        best, best_cpu = min(best, time.perf_counter() - step_start), min(best_cpu, time.process_time() - cpu_start)
        steps += 1
    tokens = args.batch * args.decoder
    return {"value": tokens / best, "unit": "tokens/s", "cpu_value": tokens / best_cpu, "steps": steps}


def bench_decode(args, model):
    g = torch.Generator().manual_seed(2)
    prompt, prompt_mask, _, _ = batch(args, args.batch, 2, g)
    model.eval()
    model.generate(prompt, prompt_mask, 8, stop_at_eos=False)  # warm-up
    best, best_cpu = float("inf"), float("inf")
    for _ in range(args.repeats):  # the best of a few, as the C++ side
        start, cpu_start = time.perf_counter(), time.process_time()
        out = model.generate(prompt, prompt_mask, args.tokens + 1, stop_at_eos=False)
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - cpu_start)
        assert out.shape == (args.batch, args.tokens + 1)
    tokens = args.batch * args.tokens
    return {"value": tokens / best, "unit": "tokens/s", "cpu_value": tokens / best_cpu}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["train", "decode"])
    p.add_argument("--preset", default="s")
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=2)
    p.add_argument("--vocab", type=int, default=128)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--prompt", type=int, default=126)
    p.add_argument("--decoder", type=int, default=400)
    p.add_argument("--tokens", type=int, default=1000)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--min-steps", type=int, default=3)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    # The same settings as the C++ side: torch threads, one OpenBLAS thread (DESIGN.md).
    torch.set_num_threads(args.threads if args.threads > 0 else os.cpu_count())
    torch.manual_seed(0)
    model = st.Searchformer(config(args))
    result = bench_train(args, model) if args.what == "train" else bench_decode(args, model)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    result["torch"] = torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
