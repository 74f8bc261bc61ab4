"""Every design in tests/cases/deploy/ through the four deployment emitters.

Each file's first line states, by hand, what the outputs must hold:
`// expect: nodes=N blocks=B switches=S` = N compute nodes (Slurm NodeName entries,
Kubernetes Nodes, Ansible `compute` hosts), B Slurm blocks (supernodes) and S
`SwitchName=` lines in the tree topology. The offline validators run on all of them.
"""

from __future__ import annotations

import re

import pytest
import yaml

from deploy_checks import DEPLOY_CASES, compile_design, crd_errors, devicetype_errors, emit_files, label_errors
from test_emit_slurm import expand, kv_lines

CASE_FILES = sorted(DEPLOY_CASES.glob("*.sn"))
CRDS = {"HyperNode": "volcano/topology.volcano.sh_hypernodes.yaml",
        "Topology": "kueue/kueue.x-k8s.io_topologies.yaml",
        "ResourceFlavor": "kueue/kueue.x-k8s.io_resourceflavors.yaml"}


def expectations(path) -> dict[str, int]:
    m = re.match(r"// expect: (.*)", path.read_text().splitlines()[0])
    assert m, f"{path.name}: first line must be `// expect: nodes=N blocks=B switches=S`"
    return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_deploy_case(path):
    want = expectations(path)
    design = compile_design(path)
    files = {}
    for name in ("slurm", "kubernetes", "ansible", "netbox"):
        files.update(emit_files(design, name))
    nodes = [n for r in kv_lines(files["slurm/nodes.conf"].decode(), "NodeName") for n in expand(r["NodeName"])]
    assert len(nodes) == want["nodes"]
    blocks = kv_lines(files.get("slurm/topology-block.conf", b"").decode(), "BlockName")
    assert len(blocks) == want["blocks"]
    assert len(kv_lines(files["slurm/topology.conf"].decode(), "SwitchName")) == want["switches"]
    k8s_nodes = [d for d in yaml.safe_load_all(files["kubernetes/nodes.yaml"]) if d]
    assert sorted(d["metadata"]["name"] for d in k8s_nodes) == sorted(nodes)
    for d in k8s_nodes:
        assert all(label_errors(k, v) == [] for k, v in d["metadata"]["labels"].items())
    for name in ("kubernetes/volcano-hypernodes.yaml", "kubernetes/kueue.yaml"):
        for obj in yaml.safe_load_all(files[name]):
            if obj:
                assert crd_errors(CRDS[obj["kind"]], obj) == [], obj["metadata"]["name"]
    inv = yaml.safe_load(files["ansible/inventory.yaml"])["all"]
    assert sorted((inv["children"].get("compute") or {}).get("hosts") or {}) == sorted(nodes)
    for p, data in files.items():
        if p.startswith("netbox/device-types/"):
            assert devicetype_errors(data) == [], p
