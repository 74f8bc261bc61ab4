"""Slurm outputs: hostlists, tree and block topology, NodeName lines; a real slurmctld reads them.

The real check follows formats.md section 1.2: a throwaway `slurmctld -D` on
127.0.0.1 (auth/none, so no munged is needed) loads topology.conf and our
nodes.conf, and `scontrol show topology` must list every switch with the same
nodes. Debian bookworm's Slurm 22.05 has topology/tree only; topology/block
exists from Slurm 23.02 (block lines 23.11), so the block file is checked here
for the rules Slurm applies (and the two it does not check: disjoint blocks,
each at least the base size).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT
from deploy_checks import DEPLOY_CASES, compile_design, emit_files
from supernodec.emit.slurm import block_sizes, hostlist

DUAL = DEPLOY_CASES / "dual_pod_roce.sn"
CM384 = EXAMPLES / "cloudmatrix384.sn"


def expand(expr: str) -> list[str]:
    """Independent hostlist expander (single bracket per name, ranges and commas inside)."""
    out: list[str] = []
    for m in re.finditer(r"([^,\[]+)(?:\[([^\]]*)\])?", expr):
        prefix, body = m.group(1), m.group(2)
        if body is None:
            out.append(prefix)
            continue
        for part in body.split(","):
            lo, _, hi = part.partition("-")
            w = len(lo)
            out += [f"{prefix}{i:0{w}d}" for i in range(int(lo), int(hi or lo) + 1)]
    return out


def kv_lines(text: str, key: str) -> list[dict[str, str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith(key + "="):
            rows.append(dict(tok.split("=", 1) for tok in line.split()))
    return rows


@pytest.mark.parametrize("names, expected", [
    ([f"pod0-server{i:02d}" for i in range(48)], "pod0-server[00-47]"),
    (["n1", "n2", "n3", "n5", "n7", "n8"], "n[1-3,5,7-8]"),
    (["spine", "leaf"], "leaf,spine"),
    (["a-l2-15"], "a-l2-15"),
    ([f"p{k}-s{i}" for k in range(2) for i in range(4)], "p0-s[0-3],p1-s[0-3]"),
])
def test_hostlist_hand_cases(names, expected):
    assert hostlist(names) == expected
    assert sorted(expand(expected)) == sorted(names)


def test_hostlist_round_trips_through_scontrol(tmp_path):
    """Slurm's own parser expands our expression back to the same names."""
    if shutil.which("scontrol") is None:
        pytest.skip("scontrol not installed: tests/tools/install-slurm.sh (make test, as root on Debian) installs it")
    names = [f"pod{k}-server{i:02d}" for k in range(3) for i in range(48) if i % 7] + ["spine", "x-l1-3"]
    conf = tmp_path / "slurm.conf"
    conf.write_text("ClusterName=hostlist\nSlurmctldHost=localhost(127.0.0.1)\n")
    r = subprocess.run(["scontrol", "show", "hostnames", hostlist(names)], capture_output=True, text=True,
                       timeout=30, env={**os.environ, "SLURM_CONF": str(conf)}, start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.split()) == sorted(names)


def test_block_sizes_double_from_the_smallest_block():
    assert block_sizes([48]) == [48]
    assert block_sizes([4, 4]) == [4, 8]
    assert block_sizes([18] * 5) == [18, 36, 72]   # 144 > 90 nodes: stop at 72


@pytest.mark.parametrize("spec, nodes, supernodes", [(CM384, 384 // 8, 1), (DUAL, 2 * 4, 2)])
def test_nodes_and_blocks_agree_with_the_design(spec, nodes, supernodes):
    """384 NPUs at 8 per server = 48 nodes (arXiv 2506.12708); the test design has 2 pods x 4 servers."""
    files = emit_files(compile_design(spec), "slurm")
    names = [n for row in kv_lines(files["slurm/nodes.conf"].decode(), "NodeName") for n in expand(row["NodeName"])]
    assert len(names) == len(set(names)) == nodes
    block = files["slurm/topology-block.conf"].decode()
    blocks = [expand(b["Nodes"]) for b in kv_lines(block, "BlockName")]
    assert len(blocks) == supernodes
    flat = [n for b in blocks for n in b]
    assert len(flat) == len(set(flat)), "a node in two blocks (Slurm does not check this)"
    assert sorted(flat) == sorted(names)
    sizes = [int(x) for x in kv_lines(block, "BlockSizes")[0]["BlockSizes"].split(",")]
    assert all(len(b) >= sizes[0] for b in blocks), "a block smaller than the base size"
    ratios = [b // a for a, b in zip(sizes, sizes[1:]) if b % a == 0]
    assert len(ratios) == len(sizes) - 1 and all(q > 1 and q & (q - 1) == 0 for q in ratios), sizes
    tree = files["slurm/topology.conf"].decode()
    leaves = [n for s in kv_lines(tree, "SwitchName") if "Nodes" in s for n in expand(s["Nodes"])]
    assert sorted(leaves) == sorted(names), "every node under exactly one leaf switch"


def test_dual_pod_tree_is_leaf_per_pod_and_one_spine_group():
    """Hand derivation: leaf[k] serves pod k's 4 servers; both spines reach both leaves -> one group."""
    tree = emit_files(compile_design(DUAL), "slurm")["slurm/topology.conf"].decode()
    rows = kv_lines(tree, "SwitchName")
    assert [(r["SwitchName"], r.get("Nodes"), r.get("Switches")) for r in rows] == [
        ("net-leaf0", "pod0-server[0-3]", None), ("net-leaf1", "pod1-server[0-3]", None),
        ("net-spine", None, "net-leaf[0-1]")]
    assert "NodeAddr=10.1.2.1" in emit_files(compile_design(DUAL), "slurm")["slurm/nodes.conf"].decode()


# --- the real consumer ----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _slurm_conf(d: Path, port: int) -> str:
    return "\n".join([
        "ClusterName=topocheck", "SlurmctldHost=localhost(127.0.0.1)", f"SlurmctldPort={port}",
        f"SlurmdPort={port + 1}", "AuthType=auth/none", "CredType=cred/none", "SlurmUser=root",
        f"StateSaveLocation={d}/state", f"SlurmdSpoolDir={d}/spool", f"SlurmctldPidFile={d}/slurmctld.pid",
        "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "MpiDefault=none",
        "SelectType=select/cons_tres", "GresTypes=gpu", "TopologyPlugin=topology/tree",
        f"Include {d}/nodes.conf", "PartitionName=all Nodes=ALL Default=YES State=UP", ""])


def _procs_with(marker: str) -> list[int]:
    """Processes whose environment holds `marker` (our SLURM_CONF path)."""
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if marker.encode() in (p / "environ").read_bytes():
                    found.append(int(p.name))
            except OSError:
                continue
    return found


def _scontrol(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["scontrol", *args], capture_output=True, text=True, env=env, timeout=20,
                          start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def run_slurmctld(tmp_path: Path, topology: bytes, nodes_conf: bytes, plugin: str,
                  startup: float = 30) -> tuple[str, str]:
    """Start slurmctld -D in its own session, return (`scontrol show topology`, slurmctld's log).

    The whole process group is stopped in `finally`, and no process may be left with our
    SLURM_CONF in its environment.
    """
    (tmp_path / "topology.conf").write_bytes(topology)
    # this machine cannot resolve the node names (slurmctld looks them up at start): point the
    # lines without a declared management address at loopback, as formats.md's script does
    (tmp_path / "nodes.conf").write_text("".join(
        ln + (" NodeAddr=127.0.0.1" if ln.startswith("NodeName=") and "NodeAddr=" not in ln else "") + "\n"
        for ln in nodes_conf.decode().splitlines()))
    (tmp_path / "state").mkdir()
    (tmp_path / "spool").mkdir()
    conf = tmp_path / "slurm.conf"
    text = _slurm_conf(tmp_path, _free_port()).replace("topology/tree", plugin)
    if re.search(r"NodeAddr=\S*:", nodes_conf.decode()):   # IPv6 management addresses, as nodes.conf says
        text += "CommunicationParameters=EnableIPv6\n"
    conf.write_text(text)
    env = {**os.environ, "SLURM_CONF": str(conf)}
    log = open(tmp_path / "ctld.log", "wb")
    proc = subprocess.Popen(["slurmctld", "-D", "-i"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline, up = time.monotonic() + startup, False
        while time.monotonic() < deadline and proc.poll() is None and not up:
            up = _scontrol(env, "ping").returncode == 0
            time.sleep(0 if up else 0.25)
        assert proc.poll() is None and up, (tmp_path / "ctld.log").read_text()[-4000:]
        shown = _scontrol(env, "show", "topology")
        assert shown.returncode == 0, shown.stderr
    finally:
        _stop(proc)
        log.close()
        assert _procs_with(str(conf)) == [], "slurmctld or a child is still running"
    return shown.stdout, (tmp_path / "ctld.log").read_text()


def complaints(log: str) -> list[str]:
    """slurmctld's topology warnings and errors (formats.md's filter)."""
    return [ln for ln in log.splitlines()
            if re.search(r"fatal|topolog|switch|block|invalid|lookup failure|lack access", ln, re.I)
            and not re.search(r"state file|Trying backup|MailProg", ln, re.I)]


ALL_SPECS = sorted(EXAMPLES.glob("*.sn")) + [DUAL]


@pytest.mark.slow
@pytest.mark.parametrize("spec", ALL_SPECS, ids=[p.stem for p in ALL_SPECS])
def test_slurmctld_loads_tree_topology(spec, tmp_path):
    if shutil.which("slurmctld") is None or shutil.which("scontrol") is None:
        pytest.skip("slurmctld not installed: tests/tools/install-slurm.sh (make test, as root on Debian) installs it")
    files = emit_files(compile_design(spec), "slurm")
    shown, log = run_slurmctld(tmp_path, files["slurm/topology.conf"], files["slurm/nodes.conf"], "topology/tree")
    ours = kv_lines(files["slurm/topology.conf"].decode(), "SwitchName")
    theirs = {r["SwitchName"]: r for r in kv_lines(shown, "SwitchName")}
    assert sorted(theirs) == sorted(r["SwitchName"] for r in ours)
    for r in ours:
        if "Nodes" in r:
            assert sorted(expand(theirs[r["SwitchName"]]["Nodes"])) == sorted(expand(r["Nodes"]))
        else:
            assert sorted(expand(theirs[r["SwitchName"]]["Switches"])) == sorted(expand(r["Switches"]))
    assert complaints(log) == []


def _has_block_plugin() -> bool:
    patterns = ("/usr/lib/*/slurm*/topology_block.so", "/usr/lib*/slurm*/topology_block.so",
                "/usr/local/lib*/slurm*/topology_block.so")
    return any(glob.glob(p) for p in patterns)


@pytest.mark.slow
def test_slurmctld_refuses_a_broken_tree(tmp_path):
    """The harness can fail: a switch naming an undefined child is fatal for slurmctld."""
    if shutil.which("slurmctld") is None:
        pytest.skip("slurmctld not installed: tests/tools/install-slurm.sh (make test, as root on Debian) installs it")
    topo = b"SwitchName=leaf0 Nodes=n[0-1]\nSwitchName=spine Switches=leaf[0-1]\n"
    with pytest.raises(AssertionError, match="invalid child"):
        run_slurmctld(tmp_path, topo, b"NodeName=n[0-1] State=UNKNOWN\n", "topology/tree")


@pytest.mark.slow
@pytest.mark.parametrize("spec", [CM384, DUAL], ids=["cloudmatrix384", "dual_pod_roce"])
def test_slurmctld_loads_block_topology(spec, tmp_path):
    if shutil.which("slurmctld") is None or not _has_block_plugin():
        pytest.skip("no topology/block plugin: Debian bookworm's Slurm 22.05 predates it (added in Slurm 23.02, "
                    "block lines in 23.11); the block file's rules are checked in "
                    "test_nodes_and_blocks_agree_with_the_design instead")
    files = emit_files(compile_design(spec), "slurm")
    shown, log = run_slurmctld(tmp_path, files["slurm/topology-block.conf"], files["slurm/nodes.conf"],
                               "topology/block")
    ours = {b["BlockName"]: sorted(expand(b["Nodes"])) for b in kv_lines(files["slurm/topology-block.conf"].decode(),
                                                                        "BlockName")}
    theirs = {b["BlockName"]: sorted(expand(b["Nodes"])) for b in kv_lines(shown, "BlockName")}
    assert theirs == ours
    assert complaints(log) == []


@pytest.mark.slow
def test_slurmctld_loads_a_generated_10k_center(tmp_path):
    """benchmarks/centers.py's 10,000-NPU center (rail-optimised 3-tier Clos, IPv6 management
    addresses): 10,000 / 8 = 1,250 nodes, each under exactly one leaf group, all loaded."""
    if shutil.which("slurmctld") is None:
        pytest.skip("slurmctld not installed: tests/tools/install-slurm.sh (make test, as root on Debian) installs it")
    spec = tmp_path / "gen" / "center.sn"
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "centers.py"), "--accelerators", "10000",
                        "-o", str(spec)], capture_output=True, text=True, timeout=300, start_new_session=True)
    assert r.returncode == 0, r.stderr
    files = emit_files(compile_design(spec), "slurm")
    nodes = [n for row in kv_lines(files["slurm/nodes.conf"].decode(), "NodeName") for n in expand(row["NodeName"])]
    assert len(nodes) == len(set(nodes)) == 10_000 // 8
    ours = kv_lines(files["slurm/topology.conf"].decode(), "SwitchName")
    assert sorted(n for s in ours if "Nodes" in s for n in expand(s["Nodes"])) == sorted(nodes)
    shown, log = run_slurmctld(tmp_path, files["slurm/topology.conf"], files["slurm/nodes.conf"], "topology/tree",
                               startup=120)
    assert sorted(r["SwitchName"] for r in kv_lines(shown, "SwitchName")) == sorted(s["SwitchName"] for s in ours)
    assert complaints(log) == []
