"""Kubernetes outputs against real validators: kubernetes-validate --strict (Nodes), the Volcano
and Kueue CRD schemas with their CEL rules (HyperNode, Topology, ResourceFlavor), label syntax.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES
from deploy_checks import DEPLOY_CASES, compile_design, crd_errors, emit_files, label_errors

CM384 = EXAMPLES / "cloudmatrix384.sn"
DUAL = DEPLOY_CASES / "dual_pod_roce.sn"
SPECS = sorted(EXAMPLES.glob("*.sn")) + [DUAL]   # every example and the deployment test design
IDS = [p.stem for p in SPECS]
VOLCANO = "volcano/topology.volcano.sh_hypernodes.yaml"
KUEUE = {"Topology": "kueue/kueue.x-k8s.io_topologies.yaml",
         "ResourceFlavor": "kueue/kueue.x-k8s.io_resourceflavors.yaml"}


def docs(files: dict[str, bytes], name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(files[f"kubernetes/{name}"]) if d is not None]


@pytest.fixture(scope="module", params=SPECS, ids=IDS)
def k8s(request):
    return emit_files(compile_design(request.param), "kubernetes")


@pytest.mark.slow
def test_kubernetes_validate_strict_accepts_nodes(k8s, tmp_path):
    path = tmp_path / "nodes.yaml"
    path.write_bytes(k8s["kubernetes/nodes.yaml"])
    exe = Path(sys.executable).with_name("kubernetes-validate")
    r = subprocess.run([str(exe), "--strict", str(path)], capture_output=True, text=True, timeout=300,
                       start_new_session=True)
    assert r.returncode == 0, r.stdout + r.stderr
    n = len(docs(k8s, "nodes.yaml"))
    assert r.stdout.count("passed") + r.stderr.count("passed") == n


def test_node_labels_are_valid_label_syntax(k8s):
    for node in docs(k8s, "nodes.yaml"):
        for key, value in node["metadata"]["labels"].items():
            assert isinstance(value, str), (key, value)   # YAML read them back as strings
            assert label_errors(key, value) == [], (key, value)


def test_hypernodes_pass_the_volcano_crd(k8s):
    for obj in docs(k8s, "volcano-hypernodes.yaml"):
        assert crd_errors(VOLCANO, obj) == [], obj["metadata"]["name"]


def test_kueue_objects_pass_their_crds(k8s):
    objs = docs(k8s, "kueue.yaml")
    assert [o["kind"] for o in objs].count("Topology") == 1
    for obj in objs:
        assert crd_errors(KUEUE[obj["kind"]], obj) == [], obj["metadata"]["name"]


def test_crd_check_catches_bad_objects():
    """The validator is not a rubber stamp: the faults formats.md lists are caught."""
    member = {"type": "Node", "selector": {"exactMatch": {"name": "a"}}}
    good = {"apiVersion": "topology.volcano.sh/v1alpha1", "kind": "HyperNode", "metadata": {"name": "x"},
            "spec": {"tier": 1, "members": [member]}}
    assert crd_errors(VOLCANO, good) == []
    two = {**member, "selector": {"exactMatch": {"name": "a"}, "regexMatch": {"pattern": "a.*"}}}
    assert crd_errors(VOLCANO, {**good, "spec": {"tier": 1, "members": [two]}})   # CEL: only one selector
    assert crd_errors(VOLCANO, {**good, "spec": {"tier": -1, "members": [member]}})
    topo = {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Topology", "metadata": {"name": "t"},
            "spec": {"levels": [{"nodeLabel": "kubernetes.io/hostname"}, {"nodeLabel": "a.io/b"}]}}
    assert any("lowest level" in e for e in crd_errors(KUEUE["Topology"], topo))


def test_counts_and_hierarchy_agree_with_the_design(k8s):
    nodes = docs(k8s, "nodes.yaml")
    hns = {h["metadata"]["name"]: h for h in docs(k8s, "volcano-hypernodes.yaml")}
    names = {n["metadata"]["name"] for n in nodes}
    tier1 = [h for h in hns.values() if h["spec"]["tier"] == 1]
    members = [m["selector"]["exactMatch"]["name"] for h in tier1 for m in h["spec"]["members"]]
    assert sorted(members) == sorted(names), "every node in exactly one supernode HyperNode"
    for h in hns.values():   # tiers nest: a HyperNode member is one tier lower
        for m in h["spec"]["members"]:
            if m["type"] == "HyperNode":
                assert hns[m["selector"]["exactMatch"]["name"]]["spec"]["tier"] == h["spec"]["tier"] - 1
    levels = [lv["nodeLabel"] for lv in docs(k8s, "kueue.yaml")[0]["spec"]["levels"]]
    for n in nodes:
        assert set(levels) <= set(n["metadata"]["labels"]), "every node carries every Kueue level label"


def test_cloudmatrix384_numbers():
    """48 Nodes of 8 NPUs (384 / 8, arXiv 2506.12708), one tier-1 HyperNode, no scale-out tier."""
    files = emit_files(compile_design(CM384), "kubernetes")
    nodes = docs(files, "nodes.yaml")
    assert len(nodes) == 48
    assert {n["metadata"]["labels"]["supernodec.io/accelerator-count"] for n in nodes} == {"8"}
    assert [h["spec"]["tier"] for h in docs(files, "volcano-hypernodes.yaml")] == [1]


def test_yaml_special_words_stay_strings():
    """The test design is the center `yes` in hall `no`, row `on`: YAML 1.1 booleans unless quoted."""
    files = emit_files(compile_design(DUAL), "kubernetes")
    labels = docs(files, "nodes.yaml")[0]["metadata"]["labels"]
    assert labels["topology.kubernetes.io/region"] == "yes"
    assert labels["supernodec.io/hall"] == "no" and labels["supernodec.io/row"] == "on"
    assert labels["supernodec.io/tier-2"] == "net-leaf0" and labels["supernodec.io/tier-3"] == "net-spine"
