"""Offline validators for deployment manifests (the scripts of shared/research/formats.md).

- `crd_errors`: a custom resource against its CRD's openAPIV3Schema (jsonschema
  Draft 2020-12) plus the CRD's CEL rules (`x-kubernetes-validations`,
  evaluated with cel-python; rules on `oldSelf` need a stored object and are
  skipped, as the API server does on create). formats.md section 2.6.
- `label_errors`: Kubernetes label key/value syntax (apimachinery rules), which
  kubernetes-validate does not check. formats.md section 2.2.
- `devicetype_errors`: devicetype-library YAML against the library's schema set,
  floats read as Decimal as upstream does. formats.md section 4.3.
- `compile_design` / `emit_files`: build a spec and run one emitter.
"""

from __future__ import annotations

import decimal
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from conftest import ROOT, SHARED, compile_file

SCHEMAS = SHARED / "schemas"
DEPLOY_CASES = ROOT / "tests" / "cases" / "deploy"
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")


def compile_design(path: Path | str):
    r = compile_file(path, allow_outside=True)
    errors = [d for d in r.diagnostics if d.severity == "error"]
    assert r.design is not None and not errors, errors
    return r.design


def emit_files(design, name: str) -> dict[str, bytes]:
    from supernodec.emit import load_all
    return {a.path: a.data for a in load_all()[name](design)}


# --- Kubernetes labels -------------------------------------------------------

def label_errors(key: str, value: str) -> list[str]:
    errs = []
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        errs.append(f"key prefix {prefix!r} is not a DNS-1123 subdomain")
    if not (len(name) <= 63 and LABEL_NAME.match(name)):
        errs.append(f"key name {name!r} is invalid")
    if value and not (len(value) <= 63 and LABEL_NAME.match(value)):
        errs.append(f"value {value!r} is invalid")
    return errs


# --- CRDs --------------------------------------------------------------------

@lru_cache(maxsize=None)
def load_crd(rel: str) -> dict[str, Any]:
    crd = yaml.safe_load((SCHEMAS / rel).read_text())
    assert crd["kind"] == "CustomResourceDefinition", rel
    return crd


def schema_for(crd: dict[str, Any], api_version: str, kind: str) -> tuple[dict | None, str | None]:
    if kind != crd["spec"]["names"]["kind"]:
        return None, f"kind {kind!r} is not {crd['spec']['names']['kind']!r}"
    g, _, v = api_version.rpartition("/")
    if g != crd["spec"]["group"]:
        return None, f"group {g!r} is not {crd['spec']['group']!r}"
    for ver in crd["spec"]["versions"]:
        if ver["name"] == v:
            if not ver.get("served", False):
                return None, f"version {v} is not served"
            return ver["schema"]["openAPIV3Schema"], None
    return None, f"version {v!r} not in CRD"


def cel_errors(schema: dict[str, Any], obj: Any, path: str = "$") -> list[str]:
    import celpy
    errs = []
    for rule in schema.get("x-kubernetes-validations", []):
        expr = rule["rule"]
        if "oldSelf" in expr:
            continue  # transition rule: needs the stored object
        env = celpy.Environment()
        prog = env.program(env.compile(expr))
        try:
            ok = prog.evaluate({"self": celpy.json_to_cel(obj)})
        except Exception as e:  # an evaluation error fails the object in the API server too
            errs.append(f"{path}: CEL rule not evaluated ({type(e).__name__}): {expr}")
            continue
        if not bool(ok):
            errs.append(f"{path}: {rule.get('message', expr)}")
    if isinstance(obj, dict):
        for k, sub in schema.get("properties", {}).items():
            if k in obj:
                errs += cel_errors(sub, obj[k], f"{path}.{k}")
    elif isinstance(obj, list) and "items" in schema:
        for i, item in enumerate(obj):
            errs += cel_errors(schema["items"], item, f"{path}[{i}]")
    return errs


def crd_errors(crd_rel: str, obj: dict[str, Any]) -> list[str]:
    schema, err = schema_for(load_crd(crd_rel), obj.get("apiVersion", ""), obj.get("kind", ""))
    if err:
        return [err]
    errs = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in Draft202012Validator(schema).iter_errors(obj)]
    name = (obj.get("metadata") or {}).get("name", "")
    if not (0 < len(name) <= 253 and DNS1123_SUBDOMAIN.match(name)):
        errs.append(f"metadata.name: {name!r} is not a DNS-1123 subdomain")
    return errs or cel_errors(schema, obj)


# --- NetBox device types -----------------------------------------------------

class DecimalLoader(yaml.SafeLoader):
    pass


DecimalLoader.add_constructor("tag:yaml.org,2002:float",
                              lambda loader, node: decimal.Decimal(loader.construct_scalar(node)))


@lru_cache(maxsize=1)
def devicetype_validator() -> Draft202012Validator:
    from referencing import Registry, Resource
    resources = []
    for p in sorted((SCHEMAS / "netbox-devicetype-library").glob("*.json")):
        doc = json.loads(p.read_text(), parse_float=decimal.Decimal)
        resources.append((doc["$id"], Resource.from_contents(doc)))
    registry = Registry().with_resources(resources)
    return Draft202012Validator({"$ref": "urn:devicetype-library:device-type"}, registry=registry)


def devicetype_errors(text: bytes | str) -> list[str]:
    data = yaml.load(text, Loader=DecimalLoader)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in devicetype_validator().iter_errors(data)]
