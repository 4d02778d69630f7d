"""A bundled study copied for a cross-check case: every path key made absolute, the output moved into the case
folder, and the copy checked to differ from the original in nothing else (tools/crosscheck/equity.py and
service_profile.py)."""

import json
import os
import re
import tomllib


def absolute(base, p, data=None, shared=None):
    """p made absolute against base; with data, a path under the repository's shared data folder (`shared`) moved
    under data (so another REACH_DATA works)."""
    q = os.path.normpath(os.path.join(base, p))
    if data is not None and shared is not None and (q == shared or q.startswith(shared + os.sep)):
        q = os.path.normpath(os.path.join(os.path.abspath(data), os.path.relpath(q, shared)))
    return q


def resolved(study, base, path_keys, to_absolute):
    """The study dict with every path key of path_keys ({table: {key}}) made absolute by to_absolute(base, path)."""
    out = json.loads(json.dumps(study))
    for table, keys in path_keys.items():
        items = out.get(table)
        for item in (items if isinstance(items, list) else [items] if isinstance(items, dict) else []):
            for k in keys & set(item):
                v = item[k]
                item[k] = [to_absolute(base, p) for p in v] if isinstance(v, list) else to_absolute(base, v)
    return out


def copy_text(src, case_out, path_keys, to_absolute, tag):
    """The text of src with every path string made absolute (line by line, comments kept) and [study] output set
    to case_out."""
    base = os.path.dirname(os.path.abspath(src))
    table, lines = None, []
    for line in open(src, encoding="utf-8"):
        m = re.match(r"^\s*\[\[?\s*([A-Za-z_.]+)\s*\]\]?", line)
        if m:
            table = m[1]
        k = re.match(r"^\s*([A-Za-z_]+)\s*=", line)
        if k and table == "study" and k[1] == "output":
            line = f"output = {json.dumps(case_out)}  # {tag} prepare: the case folder\n"
        elif k and table in path_keys and k[1] in path_keys[table]:
            line = re.sub(r'"([^"]*)"', lambda g: json.dumps(to_absolute(base, g[1])), line)
        lines.append(line)
    return "".join(lines)


def prepare(src, case_out, dest, path_keys, to_absolute, tag):
    """Writes the copy of src to dest; 1 (with a line saying why) when it would differ from src in more than its
    paths or names a file that is not there, else 0."""
    text = copy_text(src, case_out, path_keys, to_absolute, tag)
    with open(src, "rb") as fh:
        want = resolved(tomllib.load(fh), os.path.dirname(os.path.abspath(src)), path_keys, to_absolute)
    want["study"]["output"] = case_out
    got = tomllib.loads(text)
    if got != want:
        diff = [k for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)]
        print(f"{tag} prepare: the copy of {src} differs from it in {diff} (not only in its paths)")
        return 1
    missing = [p for t, ks in path_keys.items() for item in
               (got.get(t) if isinstance(got.get(t), list) else [got.get(t)] if got.get(t) else [])
               for k in ks & set(item) for p in (item[k] if isinstance(item[k], list) else [item[k]])
               if not os.path.exists(p)]
    if missing:
        print(f"{tag} prepare: the study names files that are not there: {missing}")
        return 1
    with open(dest, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"{tag} prepare: {dest} ({src} with absolute paths, output {case_out})")
    return 0


def load(path, path_keys, to_absolute):
    """A study file as a dict, its path keys absolute."""
    with open(path, "rb") as fh:
        return resolved(tomllib.load(fh), os.path.dirname(os.path.abspath(path)), path_keys, to_absolute)
