"""Writes small wheels for tests: python3 make_wheel.py <out-dir> <json spec, a list of specs, or - to read them from stdin>.

spec: {"name", "version", "tag" (default "py3-none-any"), "requires": [...], "extras": [...],
       "files": {"path/in/wheel": "text" or {"from": "/a/file/whose/bytes/to/copy"}}, "executable": ["path"...], "top_level": [...]}
The wheel is reproducible: fixed timestamps, sorted entries.
"""
import base64
import hashlib
import json
import os
import sys
import zipfile


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main() -> None:
    out_dir = sys.argv[1]
    specs = json.load(sys.stdin) if sys.argv[2] == "-" else json.loads(sys.argv[2])
    for spec in specs if isinstance(specs, list) else [specs]:
        print(write_wheel(out_dir, spec))


def read_bytes(value) -> bytes:
    if isinstance(value, dict):
        with open(value["from"], "rb") as handle:
            return handle.read()
    return value.encode()


def write_wheel(out_dir: str, spec: dict) -> str:
    name, version = spec["name"], spec["version"]
    tag = spec.get("tag", "py3-none-any")
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files = dict(spec.get("files", {}))
    metadata = [f"Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Provides-Extra: {extra}" for extra in spec.get("extras", [])]
    metadata += [f"Requires-Dist: {req}" for req in spec.get("requires", [])]
    files[f"{info}/METADATA"] = "\n".join(metadata) + "\n"
    files[f"{info}/WHEEL"] = f"Wheel-Version: 1.0\nGenerator: make_wheel\nRoot-Is-Purelib: {'true' if tag.endswith('any') else 'false'}\nTag: {tag}\n"
    if "top_level" in spec:
        files[f"{info}/top_level.txt"] = "\n".join(spec["top_level"]) + "\n"
    files = {path: read_bytes(value) for path, value in files.items()}
    record_lines = []
    for path in sorted(files):
        data = files[path]
        record_lines.append(f"{path},{record_hash(data)},{len(data)}")
    record_lines.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()
    wheel = os.path.join(out_dir, f"{dist}-{version}-{tag}.whl")
    executable = set(spec.get("executable", []))
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = ((0o755 if path in executable else 0o644) | 0o100000) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, files[path])
    return wheel


if __name__ == "__main__":
    main()
