# traceplay.models: a tiny Searchformer trained here by the command line, then loaded from
# Python. Its samples equal `traceplay eval`'s samples.jsonl line for line (same seed,
# temperature, tasks); its teacher-forced log-likelihoods equal those of the independent
# PyTorch twin (searchformer_torch.py, reading model.safetensors itself) and of the
# decoding cache; bad checkpoints and prompts raise ValueError with one line; generate
# releases the GIL; python3-torch imports before or after the module. Go: a network from a
# tiny self-play run drives go.analyze and go.GtpEngine, its priors equal to what
# `traceplay gtp --model` reports.
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import traceplay
from traceplay import data, go, games, search

from gil_check import main_thread_steps_during

BIN = os.environ.get("TRACEPLAY_BIN")
pytestmark = pytest.mark.skipif(not BIN, reason="TRACEPLAY_BIN is not set (run through ctest)")

TASKS = 6


def cli(*args, timeout=600):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A 4x4 maze dataset, a search-augmented model trained 200 steps (as
    test_eval_modes.py: ~7 s on one thread), and eval's samples for two settings."""
    root = tmp_path_factory.mktemp("models")
    data, run = root / "maze4", root / "run"
    cli("gen", "--domain", "maze", "--size", "4", "--count", "3000", "--seed", "1", "--threads", "1", "--out", data)
    cli("train", "--data", data, "--out", run, "--dim", "32", "--layers", "2", "--heads", "2", "--steps", "200",
        "--batch-tokens", "2048", "--lr", "3e-3", "--warmup", "20", "--log-every", "50", "--eval-every", "100000",
        "--threads", "1", "--seed", "1")
    evals = {}
    for name, samples, temperature in (("sampled", 2, 1.0), ("greedy", 1, 0)):
        out = root / ("eval-" + name)
        cli("eval", "--checkpoint", run, "--data", data, "--tasks", TASKS, "--samples", samples, "--temperature",
            temperature, "--seed", "7", "--astar-runs", "0", "--threads", "1", "--out", out)
        evals[name] = (out / "samples.jsonl").read_text().splitlines()
    return {"root": root, "data": data, "run": run, "evals": evals}


@pytest.fixture(scope="module")
def models():
    from traceplay import models
    return models


@pytest.fixture(scope="module")
def model(setup, models):
    return models.load(str(setup["run"]), threads=1)


def one_line_value_error(call, match):
    with pytest.raises(ValueError, match=match) as e:
        call()
    assert "\n" not in str(e.value), str(e.value)
    return str(e.value)


def test_import_traceplay_stays_torch_free():
    """`import traceplay` maps no LibTorch; traceplay.models loads it on first use."""
    code = ("import sys, traceplay\n"
            "maps = lambda: open('/proc/self/maps').read()\n"
            "assert 'libtorch_cpu' not in maps() and 'traceplay_models' not in sys.modules\n"
            "from traceplay import models\n"
            "assert 'libtorch_cpu' in maps() and traceplay.models is models and 'models' in dir(traceplay)\n"
            "import traceplay.models\n"
            "print(models.__name__)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": os.path.dirname(traceplay.__file__)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "traceplay_models"
    with pytest.raises(AttributeError, match="no attribute 'modles'"):
        traceplay.modles


def test_load_reads_the_checkpoint(setup, model):
    config = json.loads((setup["run"] / "checkpoint" / "config.json").read_text())
    manifest = json.loads((setup["data"] / "manifest.json").read_text())
    assert model.checkpoint == str(setup["run"] / "checkpoint")  # a run directory names its checkpoint/
    assert model.mode == "search-augmented" and model.domain == "maze" and model.device == "cpu"
    assert model.vocabulary == config["vocabulary"] == manifest["vocabulary"]
    assert model.weights_xxh64 == config["weights_xxh64"]
    assert model.arch == config["arch"] and model.arch["dim"] == 32
    assert model.step == config.get("step", 0) == 200


def test_generate_gives_evals_samples(setup, models, model):
    tasks = models.load_tasks(str(setup["data"]), "test", count=TASKS)
    assert len(tasks) == TASKS and all(t.domain == "maze" and t.width == 4 for t in tasks)
    # Another batch size than eval's: each sequence draws from its own stream.
    sampled = model.generate(tasks, samples=2, temperature=1.0, seed=7, batch=5)
    lines = [s.json_line() for per_task in sampled for s in per_task]
    assert lines == setup["evals"]["sampled"]
    # A later slice of the split, placed where it was: the same samples.
    later = model.generate(tasks[3:], samples=2, temperature=1.0, seed=7, first_task=3)
    assert [s.json_line() for per_task in later for s in per_task] == lines[6:]
    assert later[0][1].sequence == 7 and later[0][1].task_index == 0 and later[0][1].sample == 1
    # Greedy: eval's too, and one Task gives a plain list.
    greedy = [model.generate(t, temperature=0)[0] for t in tasks]
    assert [s.json_line() for s in greedy] == setup["evals"]["greedy"]
    for s in (x for per_task in sampled for x in per_task):
        record = json.loads(s.json_line())
        assert (s.correct, s.optimal, s.reason) == (record["correct"], record["optimal"], record["reason"])
        assert s.tokens[0] == "bos" and list(s.ids) == [model.vocabulary.index(t) for t in s.tokens]
        assert s.ids.dtype == np.int32
        assert s.trace == s.tokens[1:1 + s.trace_tokens] and len(s.plan) == s.plan_positions


def maze_replay(task, plan):
    """An independent maze check: from the prompt's start to its goal through free cells."""
    p = task.prompt
    start, goal = (int(p[1]), int(p[2])), (int(p[4]), int(p[5]))
    walls = {(int(p[i + 1]), int(p[i + 2])) for i in range(6, len(p), 3)}
    ok = bool(plan) and plan[0] == start and plan[-1] == goal
    ok = ok and all(0 <= x < task.width and 0 <= y < task.height and (x, y) not in walls for x, y in plan)
    return ok and all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(plan, plan[1:]))


def dataset_responses(setup, count):
    """The test split's own responses (trace + plan, as a search-augmented model should
    write them), as token strings with bos and eos."""
    dataset = data.Dataset(str(setup["data"]))
    vocab = dataset.vocabulary
    out = []
    for record in dataset.records("test"):
        out.append(["bos"] + vocab.decode(record.trace) + vocab.decode(record.plan) + ["eos"])
        if len(out) == count:
            return out


def test_plans_are_replayed_in_the_simulator(setup, models, model):
    tasks = models.load_tasks(str(setup["data"]), count=TASKS)
    for task, per_task in zip(tasks, model.generate(tasks, samples=4, seed=11)):
        for s in per_task:
            assert s.correct == (s.tokens[-1] == "eos" and maze_replay(task, s.plan)), s.tokens
            assert task.check(s.tokens)["correct"] == s.correct
    # 200 steps write trace-shaped responses but rarely a plan that replays: the dataset's
    # own responses are correct and optimal; one step of their plans moved is not.
    for task, tokens in zip(tasks, dataset_responses(setup, TASKS)):
        check = task.check(tokens)
        assert check["correct"] and check["optimal"] and check["reason"] is None, check
        assert maze_replay(task, check["plan"]) and len(check["plan"]) == task.reference_plan_positions
        moved = tokens[:-3] + [tokens[-2], tokens[-3], "eos"]  # the last position's x and y swapped
        wrong = task.check(moved)
        assert wrong["correct"] == maze_replay(task, wrong["plan"])
        if tokens[-3] != tokens[-2]:
            assert not wrong["correct"] and wrong["reason"]
    # A bare prompt's task: the same replay, but no dataset plan to call it optimal.
    bare = models.Task(tasks[0].prompt, 4, 4)
    assert bare.id == tasks[0].id and bare.reference_plan_positions is None
    s = model.generate(bare, temperature=0)[0]
    assert s.correct == maze_replay(bare, s.plan) and s.optimal is None


def twin_log_likelihoods(setup, model, prompt, responses):
    """log p(response | prompt) from the PyTorch twin reading model.safetensors itself."""
    torch = pytest.importorskip("torch")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import searchformer_torch as st
    net = st.Searchformer(st.Config(**model.arch))
    net.load_safetensors(str(setup["run"] / "checkpoint" / "model.safetensors"))
    net.eval()
    ids = {t: i for i, t in enumerate(model.vocabulary)}
    p = torch.tensor([[0] + [ids[t] for t in prompt] + [1]])
    out = []
    with torch.no_grad():
        for r in responses:
            r = [ids[t] for t in r]
            logits = net(p, torch.ones_like(p, dtype=torch.bool), torch.tensor([r[:-1]]))
            logp = torch.log_softmax(logits.double(), -1)[0]
            out.append(float(sum(logp[j - 1, r[j]] for j in range(1, len(r)))))
    return out


def test_log_likelihoods_equal_the_twins_and_the_caches(setup, models, model):
    task = models.load_tasks(str(setup["data"]), count=1)[0]
    greedy = model.generate(task, temperature=0)[0]
    sampled = model.generate(task, samples=3, seed=5)
    responses = [greedy.tokens] + [s.tokens for s in sampled]
    totals = model.log_likelihood(task, responses)
    assert totals.dtype == np.float64 and totals.shape == (4,) and (totals < 0).all()
    twin = twin_log_likelihoods(setup, model, task.prompt, responses)
    assert np.allclose(totals, twin, atol=1e-3), (totals, twin)
    # Samples as responses, one prompt per response, bos left out, batches of one: the same.
    again = model.log_likelihood([task] * 4, [greedy] + [s.tokens[1:] for s in sampled], batch=1)
    assert np.allclose(again, totals, atol=1e-4)
    per_token = model.log_likelihood(task.prompt, responses, per_token=True)
    assert [len(lp) for lp in per_token] == [len(r) - 1 for r in responses]
    assert np.allclose([lp.sum() for lp in per_token], totals, atol=1e-9)
    # The decoding cache's distributions (the sampler's path), token by token; greedy
    # decoding took the most likely token each time.
    vocab = model.vocabulary
    for j in range(1, len(greedy.tokens)):
        logp = model.next_token_log_probs(task, greedy.tokens[:j])
        assert logp.shape == (len(vocab),) and abs(np.exp(logp).sum() - 1) < 1e-9
        assert logp[vocab.index(greedy.tokens[j])] == pytest.approx(per_token[0][j - 1], abs=1e-4)
        assert vocab[int(np.argmax(logp))] == greedy.tokens[j]
    # Changing the last token of a greedy response changes one term only, to a smaller one.
    assert greedy.tokens[-1] == "eos"
    corrupted = greedy.tokens[:-1] + ["plan"]
    assert model.log_likelihood(task, [corrupted])[0] < totals[0]


def test_bad_checkpoints_and_prompts_raise_value_error(setup, models, model, tmp_path):
    one_line_value_error(lambda: models.load(str(tmp_path / "missing")), "missing: no such file or directory")
    one_line_value_error(lambda: models.load(str(setup["data"])), "neither a checkpoint")
    # A damaged weights file: cut, or one flipped bit (only config.json's checksum tells).
    for name, damage in (("cut", lambda b: b[:100]), ("flipped", lambda b: b[:-5] + bytes([b[-5] ^ 1]) + b[-4:])):
        bad = tmp_path / name
        shutil.copytree(setup["run"] / "checkpoint", bad)
        weights = bad / "model.safetensors"
        weights.write_bytes(damage(weights.read_bytes()))
        one_line_value_error(lambda: models.load(str(bad)), "model.safetensors")
    # A prompt of another dataset (a 6x6 maze: coordinate 5 is not in a 4x4 model's vocabulary).
    maze = games.generate_mazes(6, 6, seed=3)[0]
    prompt = search.astar_maze(maze).prompt
    other = models.Task(prompt, 6, 6)
    message = one_line_value_error(lambda: model.generate(other), "is not in the vocabulary of")
    assert "config.json" in message
    one_line_value_error(lambda: model.log_likelihood(prompt, [["plan"]]), "is not in the vocabulary")
    task = models.load_tasks(str(setup["data"]), count=1)[0]
    one_line_value_error(lambda: model.log_likelihood(task, [["bos", "frob"]]), "token \"frob\"")
    one_line_value_error(lambda: model.log_likelihood([task, task], [["plan"]]), "2 prompts for 1 responses")
    for kwargs, match in (({"samples": 0}, "samples"), ({"temperature": -1}, "temperature"),
                          ({"max_len": 1}, "max_len"), ({"mode": "fastest"}, "mode"), ({"seed": -1}, "seed")):
        one_line_value_error(lambda: model.generate(task, **kwargs), match)
    one_line_value_error(lambda: models.Task(["start", "0"], 4, 4), ".")
    one_line_value_error(lambda: models.load_tasks(str(tmp_path / "nodata")), "nodata")
    one_line_value_error(lambda: models.load(str(setup["run"]), device="tpu"), "device")


def test_generate_releases_the_gil(setup, models, model):
    tasks = models.load_tasks(str(setup["data"]), count=20)
    result, seconds, steps = main_thread_steps_during(lambda: model.generate(tasks, samples=24, seed=2, batch=16))
    assert len(result) == 20 and seconds >= 0.2
    assert steps > 1000, f"the main thread ran {steps} times in the middle of sampling ({seconds:.2f} s)"


@pytest.mark.parametrize("torch_first", [True, False])
def test_python3_torch_before_or_after(setup, torch_first):
    """Debian's python3-torch links the very libtorch_cpu.so the module does: one copy in
    the process, whichever is imported first, and both work."""
    pytest.importorskip("torch")
    torch_part = "import torch\nassert float(torch.ones(3).sum()) == 3.0\n"
    models_part = (f"from traceplay import models\nm = models.load({str(setup['run'])!r}, threads=1)\n"
                   f"t = models.load_tasks({str(setup['data'])!r}, count=1)[0]\n"
                   "assert m.generate(t, temperature=0)[0].tokens[0] == 'bos'\n")
    check = ("libs = {l.split()[-1] for l in open('/proc/self/maps') if 'libtorch_cpu' in l}\n"
             "assert len(libs) == 1, libs\nprint(torch.__version__)\n")
    code = (torch_part + models_part if torch_first else models_part + torch_part) + check
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": os.path.dirname(traceplay.__file__)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1.13")


# --- Go: a network from a tiny self-play run as the MCTS evaluator ------------------------

GO_CONFIG = """name = "g5"
seed = 5
[game]
size = 5
komi = 0.5
[net]
kind = "resnet"
preset = "tiny"
history = 2
[actor]
games_in_flight = 4
full_visits = 16
fast_visits = 4
[learner]
batch = 32
min_positions = 100
positions_per_version = 100
steps_per_version = 10
[run]
versions = 1
"""


@pytest.fixture(scope="module")
def go_net(tmp_path_factory):
    """models/v0001 of a tiny 5x5 self-play run (as test_gtp_model.py makes it)."""
    tmp = tmp_path_factory.mktemp("go_net")
    (tmp / "run.toml").write_text(GO_CONFIG)
    cli("selfplay", "--config", tmp / "run.toml", "--out", tmp / "run", timeout=300)
    return tmp / "run" / "models" / "v0001"


def gtp_priors(model, moves, visits, seed):
    """The net's prior of each move `traceplay gtp --model` lists in its genmove analysis."""
    engine = subprocess.Popen([BIN, "gtp", "--model", str(model), "--size", "5", "--komi", "0.5", "--visits",
                               str(visits), "--threads", "1", "--seed", str(seed)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    try:
        commands = [f"play {c} {m}" for c, m in moves] + ["kata-genmove_analyze w 1 ownership true"]
        for command in commands:
            engine.stdin.write(command + "\n")
            engine.stdin.flush()
            lines = []
            while True:
                line = engine.stdout.readline()
                assert line, f"{command}: the engine closed its output"
                if line == "\n" and lines:
                    break
                lines.append(line.rstrip("\n"))
        engine.stdin.write("quit\n")
        engine.stdin.flush()
        assert engine.wait(timeout=30) == 0
    finally:
        engine.kill()
    last = [l for l in lines if l.startswith("info ")][-1]
    infos = last.split("info ")[1:]
    return {i.split()[1]: float(i.split(" prior ")[1].split()[0]) for i in infos}


def test_go_analysis_with_a_network(go_net, models):
    net = models.load_go_net(str(go_net))
    assert isinstance(net, go.Evaluator) and net.neural
    assert (net.min_board_size, net.max_board_size) == (5, 19) and "resnet tiny" in net.description
    board = go.Board(5, komi=0.5)
    board.play("C3")
    a = go.analyze(board, visits=64, evaluator=net, seed=2, ownership=True)
    points = 5 * 5 + 1
    assert a.root_visits == 64 and int(a.visits.sum()) == 63  # the root's own visit expands it
    assert a.visits.shape == a.priors.shape == a.policy.shape == (points,)
    assert abs(float(a.policy.sum()) - 1) < 1e-5 and abs(float(a.priors.sum()) - 1) < 1e-4
    assert a.priors[2 + 5 * 2] == 0 and a.visits[2 + 5 * 2] == 0  # C3 is occupied
    assert max(abs(float(p) - 1 / 25) for p in a.priors if p > 0) > 0.002  # the net's policy, not uniform
    assert a.ownership.shape == (5, 5) and a.ownership.dtype == np.float32
    assert (np.abs(a.ownership) <= 1).all() and float(np.abs(a.ownership).sum()) > 0
    again = go.analyze(board, visits=64, evaluator=net, seed=2, ownership=True)
    assert np.array_equal(a.visits, again.visits) and np.array_equal(a.ownership, again.ownership)
    # The prior of every move the command line's analysis lists is the one Python sees.
    priors = gtp_priors(go_net, [("b", "C3")], visits=64, seed=2)
    assert len(priors) >= 3
    for vertex, prior in priors.items():
        index = 25 if vertex == "pass" else "ABCDE".index(vertex[0]) + 5 * (5 - int(vertex[1:]))
        assert float(a.priors[index]) == pytest.approx(prior, abs=2e-3), vertex
    # The GTP engine object plays with it; sizes the net does not serve are refused.
    engine = go.GtpEngine(size=5, komi=0.5, visits=16, evaluator=net)
    assert engine.execute("genmove b").startswith("= ")
    assert engine.execute("boardsize 4") == "? unacceptable size\n\n"
    one_line_value_error(lambda: go.analyze(go.Board(4), visits=8, evaluator=net), "board sizes 5..19, not size 4")
    with pytest.raises(TypeError, match="evaluator must be"):
        go.analyze(board, visits=8, evaluator=3)


def test_go_network_search_releases_the_gil(go_net, models):
    net = models.load_go_net(str(go_net))
    board = go.Board(5, komi=0.5)
    result, seconds, steps = main_thread_steps_during(
        lambda: go.analyze(board, visits=0, max_seconds=0.6, evaluator=net))
    assert seconds >= 0.5 and result.root_visits > 0
    assert steps > 1000


def test_bad_go_checkpoints(go_net, setup, models, tmp_path):
    one_line_value_error(lambda: models.load_go_net(str(tmp_path / "missing")), "config.json")
    # A Searchformer checkpoint is named as such, and a Go net is not a Searchformer.
    one_line_value_error(lambda: models.load_go_net(str(setup["run"] / "checkpoint")), "Searchformer")
    one_line_value_error(lambda: models.load(str(go_net)), "traceplay-model")
    damaged = tmp_path / "damaged"
    shutil.copytree(go_net, damaged)
    (damaged / "model.safetensors").write_bytes((go_net / "model.safetensors").read_bytes()[:100])
    one_line_value_error(lambda: models.load_go_net(str(damaged)), "model.safetensors")
