"""A distributed `gen` with real processes (issue [6]): `traceplay learner` and
`traceplay actor` over TCP loopback and `gen --actors N` over ipc://. The dataset bytes
equal a local `gen`'s whatever is killed along the way: an actor killed with SIGKILL and
started again on its outbox, the learner killed with SIGKILL and started again while
the actors reconnect by themselves. CURVE: an actor with an unlisted key gets nothing.
Every test stops by itself (timeouts on every wait)."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

BIN = os.environ.get("TRACEPLAY_BIN", "traceplay")

# A few seconds through actors (so that kills land mid-way); seconds locally.
SPEC = {"domain": "maze", "size": 20, "count": 12000, "seed": 5, "shard_records": 1000}
SMALL = ["--domain", "maze", "--size", "10", "--count", "3000", "--seed", "7", "--shard-records", "500"]


def files(directory):
    out = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            out[name] = f.read()
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path):
    path.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in SPEC.items()))
    return str(path)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    base = tmp_path_factory.mktemp("reference")
    out = base / "local"
    subprocess.run([BIN, "gen", "--config", write_config(base / "gen.toml"), "--out", str(out), "--threads", "2"],
                   check=True, capture_output=True, timeout=300)
    return files(out)


def start_learner(tmp_path, out, port, *extra):
    log = open(tmp_path / f"learner-{time.monotonic_ns()}.log", "w")
    process = subprocess.Popen([BIN, "learner", "--bind", f"tcp://127.0.0.1:{port}", "--config",
                                write_config(tmp_path / "gen.toml"), "--out", str(out), "--json",
                                "--heartbeat-timeout", "3", *extra],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    process.log_path = log.name
    return process


def start_actor(tmp_path, port, name, *extra, give_up=30):
    return subprocess.Popen([BIN, "actor", "--connect", f"tcp://127.0.0.1:{port}", "--threads", "1",
                             "--outbox", str(tmp_path / f"outbox-{name}"), "--name", name, "--give-up", str(give_up),
                             "--resend", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def shards(out):
    return [n for n in os.listdir(out) if n.endswith(".jsonl.zst")] if os.path.isdir(out) else []


def finish(process, timeout=120):
    """(exit code, stdout, stderr) once the process has ended by itself."""
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr or ""


def test_gen_with_local_actors_writes_the_same_bytes(tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    subprocess.run([BIN, "gen", "--out", str(local), *SMALL, "--threads", "2"], check=True, capture_output=True,
                   timeout=300)
    result = subprocess.run([BIN, "gen", "--out", str(remote), *SMALL, "--actors", "3", "--json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert files(remote) == files(local)  # no .gen-spool or .gen-actors left either
    learner = json.loads(result.stdout.strip().splitlines()[-1])["learner"]
    assert learner["actors_seen"] == 3 and learner["dropped"] == {}
    assert learner["results"] == learner["stored"] + learner["duplicates"]
    # Already done: a no-op that starts no actor.
    again = subprocess.run([BIN, "gen", "--out", str(remote), *SMALL, "--actors", "3", "--json"],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and json.loads(again.stdout.strip().splitlines()[-1])["status"] == "already done"


def test_an_actor_killed_and_restarted_loses_nothing(tmp_path, reference):
    out, port = tmp_path / "d", free_port()
    learner = start_learner(tmp_path, out, port)
    steady = start_actor(tmp_path, port, "steady")
    victim = start_actor(tmp_path, port, "victim")
    try:
        wait_for(lambda: len(shards(out)) >= 2, 120, "the first shards")
        assert "manifest.json" not in os.listdir(out), "the build ended before the kill: make SPEC bigger"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        left = os.listdir(tmp_path / "outbox-victim")
        reborn = start_actor(tmp_path, port, "victim")  # same outbox: resends what was there
        code, stdout, _ = finish(learner)
        assert code == 0, open(learner.log_path).read()
        summary = json.loads(stdout.strip().splitlines()[-1])
        assert files(out) == reference
        counters = summary["learner"]
        assert counters["results"] == counters["stored"] + counters["duplicates"], counters
        assert counters["dropped"] == {}, counters
        for actor in (steady, reborn):
            code, stdout, err = finish(actor, 60)
            assert code == 0, err
            stats = json.loads(stdout.strip().splitlines()[-1])
            assert stats["acked"] + stats["unneeded"] == stats["sent"], stats
        assert os.listdir(tmp_path / "outbox-victim") == [], f"outbox left: {left}"
    finally:
        for p in (learner, steady, victim):
            if p.poll() is None:
                p.kill()


def test_the_learner_killed_and_restarted_loses_no_acknowledged_layout(tmp_path, reference):
    out, port = tmp_path / "d", free_port()
    learner = start_learner(tmp_path, out, port)
    actors = [start_actor(tmp_path, port, f"a{i}") for i in range(2)]
    try:
        # A file of chunk 1 means chunk 0's state was written: the restart resumes from it
        # (two files could be chunk 0's train and test shards before its state).
        wait_for(lambda: len(shards(out)) >= 3, 120, "the first finished chunk")
        assert "manifest.json" not in os.listdir(out), "the build ended before the kill: make SPEC bigger"
        learner.send_signal(signal.SIGKILL)
        learner.wait(timeout=10)
        spooled = len(os.listdir(out / ".gen-spool"))
        time.sleep(1)  # the actors keep working, with nobody to send to
        learner = start_learner(tmp_path, out, port)
        code, stdout, _ = finish(learner)
        assert code == 0, open(learner.log_path).read()
        assert files(out) == reference, f"{spooled} layouts were spooled at the kill"
        summary = json.loads(stdout.strip().splitlines()[-1])
        assert summary["resumed_from"] > 0
        for actor in actors:
            code, _, err = finish(actor, 60)
            assert code == 0, err
    finally:
        for p in [learner, *actors]:
            if p.poll() is None:
                p.kill()


def test_curve_lets_in_listed_keys_only(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("learner", "member", "stranger"):
        result = subprocess.run([BIN, "keygen", str(keys / name)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
    assert oct(os.stat(keys / "learner.key").st_mode & 0o777) == "0o600"
    again = subprocess.run([BIN, "keygen", str(keys / "learner")], capture_output=True, text=True, timeout=30)
    assert again.returncode == 2 and "never overwrites" in again.stderr
    (keys / "authorized").write_text("# actors let in\n" + (keys / "member.pub").read_text())

    out, port = tmp_path / "d", free_port()
    spec_small = ["--config", write_config(tmp_path / "gen.toml")]
    learner = subprocess.Popen([BIN, "learner", "--bind", f"tcp://127.0.0.1:{port}", *spec_small, "--out", str(out),
                                "--json", "--curve", str(keys / "learner.key"), "--authorized",
                                str(keys / "authorized")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stranger = start_actor(tmp_path, port, "stranger", "--curve", str(keys / "stranger.key"), "--server-key",
                               str(keys / "learner.pub"), give_up=3)
        code, _, err = finish(stranger, 30)
        assert code == 1 and "no word from the learner" in err, err
        assert shards(out) == [], "a stranger made nothing"
        member = start_actor(tmp_path, port, "member", "--curve", str(keys / "member.key"),
                             "--server-key", str(keys / "learner.pub"))
        code, stdout, err = finish(learner, 300)
        assert code == 0, err
        assert "is not authorized" in err
        counters = json.loads(stdout.strip().splitlines()[-1])["learner"]
        assert counters["refused_keys"] >= 1 and counters["actors_seen"] == 1, counters
        assert finish(member, 60)[0] == 0
    finally:
        for p in (learner,):
            if p.poll() is None:
                p.kill()


@pytest.mark.parametrize("args, message", [
    (["learner", "--bind", "tcp://127.0.0.1:1", "--config", "/no/such.toml", "--out", "OUT"], "/no/such.toml"),
    (["learner", "--bind", "nonsense", "--config", "CONFIG", "--out", "OUT"], "cannot bind nonsense"),
    (["learner", "--bind", "tcp://127.0.0.1:*", "--config", "CONFIG", "--out", "OUT", "--curve", "K"],
     "--curve and --authorized go together"),
    (["actor", "--connect", "nonsense", "--outbox", "OUT"], "cannot connect to nonsense"),
    (["actor", "--connect", "tcp://127.0.0.1:1", "--curve", "K", "--outbox", "OUT"], "--curve and --server-key go together"),
    (["actor", "--connect", "tcp://127.0.0.1:1", "--curve", "/no/key", "--server-key", "/no/pub", "--outbox", "OUT"],
     "/no/key"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    config = write_config(tmp_path / "gen.toml")
    args = [a.replace("CONFIG", config).replace("OUT", str(tmp_path / "out")) for a in args]
    result = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_ssh_launcher_builds_the_dataset_with_an_actor_per_host(tmp_path, reference):
    """experiments/cluster/launch-ssh.sh with `ssh` replaced by a local shell: the learner
    here, one actor per listed host, the dataset equal to a local gen's."""
    source = os.environ.get("TRACEPLAY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
    fake_ssh = tmp_path / "fake-ssh"
    fake_ssh.write_text('#!/bin/sh\nhost=$1; shift\necho "$host" >> "$FAKE_SSH_LOG"\nexec /bin/sh -c "$*"\n')
    fake_ssh.chmod(0o755)
    hosts = tmp_path / "hosts"
    hosts.write_text("# two machines\nnode-a\nnode-b  # the second\n")
    env = dict(os.environ, TRACEPLAY_BIN=BIN, TRACEPLAY_SSH=str(fake_ssh), TRACEPLAY_LEARNER_HOST="127.0.0.1",
               ACTOR_THREADS="1", HOME=str(tmp_path), FAKE_SSH_LOG=str(tmp_path / "ssh.log"))
    out = tmp_path / "d"
    result = subprocess.run([os.path.join(source, "experiments/cluster/launch-ssh.sh"), str(hosts),
                             write_config(tmp_path / "gen.toml"), str(out), str(free_port())],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert files(out) == reference
    assert sorted((tmp_path / "ssh.log").read_text().split()) == ["node-a", "node-b"]
    counters = json.loads(result.stdout.strip().splitlines()[-1])["learner"]
    assert counters["actors_seen"] == 2, counters
    for host in ("node-a", "node-b"):
        stats = json.loads(open(f"{out}.actor-{host}.log").read().strip().splitlines()[-1])
        assert stats["exit"] == 0, stats


def test_sixteen_actors_under_load_keep_the_learner_bounded(tmp_path):
    """16 actor processes sending as fast as they can into one learner over TCP: the
    learner's peak memory stays bounded (its window and the sockets' high-water marks),
    every result is stored or counted a duplicate, nothing is dropped. Prints records/s,
    MB/s and the lease-to-stored latency."""
    spec = dict(SPEC, count=36000, shard_records=2000)
    config = tmp_path / "load.toml"
    config.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in spec.items()))
    out, port = tmp_path / "d", free_port()
    learner = subprocess.Popen([BIN, "learner", "--bind", f"tcp://127.0.0.1:{port}", "--config", str(config),
                                "--out", str(out), "--json", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    actors = [start_actor(tmp_path, port, f"load{i}") for i in range(16)]
    peak_kb = 0
    try:
        deadline = time.monotonic() + 240
        while learner.poll() is None and time.monotonic() < deadline:
            try:
                with open(f"/proc/{learner.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
            except FileNotFoundError:
                break
            time.sleep(0.2)
        code, stdout, err = finish(learner, 60)
        assert code == 0, err
        summary = json.loads(stdout.strip().splitlines()[-1])
        counters = summary["learner"]
        assert summary["records"] == 36000 and counters["actors_seen"] == 16
        assert counters["results"] == counters["stored"] + counters["duplicates"] and counters["dropped"] == {}
        assert peak_kb < 400 * 1024, f"learner peak memory {peak_kb} kB"
        print(json.dumps({"records_per_s": summary["records_per_s"],
                          "mb_per_s": counters["bytes_in"] / summary["seconds"] / 1e6,
                          "lease_to_stored_ms": counters.get("lease_to_stored_ms"),
                          "learner_peak_mb": peak_kb / 1024}))
        for actor in actors:
            code, _, err = finish(actor, 60)
            assert code == 0, err
    finally:
        for p in [learner, *actors]:
            if p.poll() is None:
                p.kill()
