"""The Ansible inventory parsed by the real `ansible-inventory --list` (formats.md section 3).

`ANSIBLE_INVENTORY_UNPARSED_FAILED=true` makes an unparsable inventory fail
(by default it only warns and exits 0), and `ANSIBLE_INVENTORY_ENABLED=yaml`
rules out the ini fallback. Ansible writes under $HOME, so HOME is a temp dir.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES
from deploy_checks import DEPLOY_CASES, compile_design, emit_files

CM384 = EXAMPLES / "cloudmatrix384.sn"
DUAL = DEPLOY_CASES / "dual_pod_roce.sn"


def ansible_list(inventory: bytes, tmp_path: Path) -> dict:
    path = tmp_path / "inventory.yaml"
    path.write_bytes(inventory)
    env = {**os.environ, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "ANSIBLE_INVENTORY_ENABLED": "yaml",
           "HOME": str(tmp_path), "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp")}
    exe = Path(sys.executable).with_name("ansible-inventory")
    r = subprocess.run([str(exe), "-i", str(path), "--list"], capture_output=True, text=True, env=env,
                       timeout=300, start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert "Invalid characters were found in group names" not in r.stderr
    return json.loads(r.stdout)


@pytest.mark.slow
def test_cloudmatrix384_inventory_parses(tmp_path):
    """48 servers (384 NPUs / 8) + 112 L2 switches (7 planes x 16, arXiv 2506.12708) = 160 hosts."""
    got = ansible_list(emit_files(compile_design(CM384), "ansible")["ansible/inventory.yaml"], tmp_path)
    assert len(got["_meta"]["hostvars"]) == 48 + 7 * 16
    assert len(got["compute"]["hosts"]) == 48
    assert len(got["role_l2"]["hosts"]) == 7 * 16
    assert len(got["supernode_pod"]["hosts"]) == 160
    racks = [g for g in got if g.startswith("rack_")]
    assert len(racks) == 48 // 4 and all(len(got[g]["hosts"]) == 4 for g in racks)   # 4 nodes per compute rack
    assert got["_meta"]["hostvars"]["pod-server05"]["rack_u"] == 2   # server 5 = second in rack 1


@pytest.mark.slow
def test_dual_pod_inventory_parses_with_vars(tmp_path):
    got = ansible_list(emit_files(compile_design(DUAL), "ansible")["ansible/inventory.yaml"], tmp_path)
    hv = got["_meta"]["hostvars"]
    # 2 pods x (4 servers + 7 planes x 2 L2) + 2 leaves + 2 spines
    assert len(hv) == 2 * (4 + 14) + 4
    assert hv["pod1-server2"]["ansible_host"] == "10.1.2.1"           # mgmt pod[k].server[i].cpu[0] = 10.k.i.1
    assert hv["pod1-server2"]["hall"] == "no" and hv["pod1-server2"]["row"] == "on"   # strings, not booleans
    assert hv["net-leaf0"]["supernodec_center"] == "yes"              # group var of `all`, inherited
    assert sorted(got["hall_no"]["hosts"]) == sorted(f"pod{k}-server{i}" for k in range(2) for i in range(4))
    assert sorted(got["role_spine"]["hosts"]) == ["net-spine0", "net-spine1"]


@pytest.mark.slow
def test_ansible_rejects_a_broken_inventory(tmp_path):
    """The failure switch works: `hosts` given as a list is an error, not a warning."""
    bad = b"all:\n  children:\n    g:\n      hosts:\n      - a\n"
    path = tmp_path / "inventory.yaml"
    path.write_bytes(bad)
    env = {**os.environ, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "ANSIBLE_INVENTORY_ENABLED": "yaml",
           "HOME": str(tmp_path)}
    exe = Path(sys.executable).with_name("ansible-inventory")
    r = subprocess.run([str(exe), "-i", str(path), "--list"], capture_output=True, text=True, env=env,
                       timeout=300, start_new_session=True)
    assert r.returncode != 0


ALL_SPECS = sorted(EXAMPLES.glob("*.sn")) + [DUAL]


@pytest.mark.slow
@pytest.mark.parametrize("spec", ALL_SPECS, ids=[p.stem for p in ALL_SPECS])
def test_every_inventory_parses_and_outputs_name_the_same_nodes(spec, tmp_path):
    """Ansible's `compute` group, Slurm's NodeName lines and the Kubernetes Nodes name one set."""
    import yaml
    from test_emit_slurm import expand, kv_lines
    design = compile_design(spec)
    inv_yaml = emit_files(design, "ansible")["ansible/inventory.yaml"]
    got = ansible_list(inv_yaml, tmp_path)
    assert len(got["_meta"]["hostvars"]) == len(yaml.safe_load(inv_yaml)["all"]["hosts"])
    slurm = emit_files(design, "slurm")["slurm/nodes.conf"].decode()
    slurm_nodes = sorted(n for r in kv_lines(slurm, "NodeName") for n in expand(r["NodeName"]))
    k8s = yaml.safe_load_all(emit_files(design, "kubernetes")["kubernetes/nodes.yaml"])
    k8s_nodes = sorted(d["metadata"]["name"] for d in k8s if d)
    assert sorted(got["compute"]["hosts"]) == slurm_nodes == k8s_nodes
