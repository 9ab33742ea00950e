#!/usr/bin/python3
"""Executes the curated notebooks headless with the workbench Java kernel (Debian's nbclient/nbconvert).

For every notebook it writes results/<notebook>/: the executed .ipynb, a self-contained .html, the
figures and tables the notebook saved through org.trainingdynamics.study.Study, and provenance.json
(git commit and dirty flag, JVM/ND4J versions and back end from the notebook's Study.finish(), profile,
seeds, wall time per cell). results/index.html links them with each notebook's PASS/FAIL summary.
Exit status: 0 when every notebook ran without error and every check passed, 1 otherwise.
"""
import argparse
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbconvert import HTMLExporter

CHECK_RE = re.compile(r"^(PASS|FAIL) (.+)$")
SUMMARY_RE = re.compile(r"^checks: (\d+) passed, (\d+) failed$")


def cell_text(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append(o.get("text", ""))
        elif o.get("output_type") in ("execute_result", "display_data"):
            out.append(o.get("data", {}).get("text/plain", ""))
        elif o.get("output_type") == "error":
            out.append("\n".join(o.get("traceback", [])))
    return "".join(out)


def parse_ts(s):
    if not s:
        return None
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def run_one(path, root, results, profile, timeout, bar):
    stem = path.stem
    final = results / stem
    tmp = results / ("." + stem + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    nb = nbformat.read(path, as_version=4)
    env_backup = dict(os.environ)
    os.environ.update({"WORKBENCH_RESULTS_DIR": str(tmp), "WORKBENCH_PROFILE": profile,
                       "WORKBENCH_ROOT": str(root)})
    n_code = sum(1 for c in nb.cells if c.cell_type == "code")
    status, error = "ok", None
    t0 = time.time()

    client = NotebookClient(nb, kernel_name="workbench-java", timeout=timeout, startup_timeout=120,
                            record_timing=True, resources={"metadata": {"path": str(path.parent)}})

    done = [0]
    orig = client.async_execute_cell

    async def counting(cell, cell_index, *a, **kw):
        r = await orig(cell, cell_index, *a, **kw)
        if cell.cell_type == "code":
            done[0] += 1
            bar(stem, done[0], n_code)
        return r

    client.async_execute_cell = counting
    try:
        client.execute()
    except CellExecutionError as e:
        status, error = "error", str(e).strip().splitlines()[-1] if str(e).strip() else "cell error"
    except DeadKernelError as e:
        status, error = "error", "kernel died: " + str(e)
    except Exception as e:  # a kernel that fails to start, a timeout, ...
        status, error = "error", type(e).__name__ + ": " + str(e)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    wall = time.time() - t0

    checks, summary = [], None
    cells = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        text = cell_text(c)
        for line in text.splitlines():
            m = CHECK_RE.match(line.strip())
            if m:
                checks.append({"result": m.group(1), "check": m.group(2)})
            m = SUMMARY_RE.match(line.strip())
            if m:
                summary = {"passed": int(m.group(1)), "failed": int(m.group(2))}
        ex = c.get("metadata", {}).get("execution", {})
        a, b = parse_ts(ex.get("iopub.execute_input")), parse_ts(ex.get("shell.execute_reply"))
        cells.append({"index": i, "seconds": (b - a).total_seconds() if a and b else None})
    if status == "ok" and (summary is None or summary["failed"] > 0):
        status = "fail" if summary else "no-checks"

    nbformat.write(nb, tmp / (stem + ".ipynb"))
    body, _ = HTMLExporter().from_notebook_node(nb)
    (tmp / (stem + ".html")).write_text(body, encoding="utf-8")

    prov = {}
    pj = tmp / "provenance-java.json"
    if pj.exists():
        prov.update(json.loads(pj.read_text()))
        pj.unlink()
    prov.update({
        "notebook": str(path.relative_to(root)),
        "notebook_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "profile": profile,
        "status": status,
        "error": error,
        "checks": summary,
        "wall_seconds_total": wall,
        "cells": cells,
        "kernel": "workbench-java",
        "runner": {"python": sys.version.split()[0], "nbclient": __import__("nbclient").__version__,
                   "nbconvert": __import__("nbconvert").__version__},
    })
    if "git_commit" not in prov:
        prov["git_commit"] = git(root, "rev-parse", "HEAD")
        st = git(root, "status", "--porcelain", "--untracked-files=no")
        prov["git_dirty"] = None if st is None else bool(st.strip())
    (tmp / "provenance.json").write_text(json.dumps(prov, indent=2) + "\n")

    if final.exists():
        old = results / ("." + stem + ".old")
        if old.exists():
            shutil.rmtree(old)
        final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old)
    else:
        tmp.rename(final)
    return {"name": stem, "status": status, "error": error, "checks": checks, "summary": summary, "wall": wall}


def git(root, *args):
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return None


def write_index(results, rows, profile):
    items = []
    for r in rows:
        s = r["summary"]
        checks = f'{s["passed"]} passed, {s["failed"]} failed' if s else "no checks"
        colour = {"ok": "#1a7f37"}.get(r["status"], "#cf222e")
        err = f'<br><small>{html.escape(r["error"])}</small>' if r["error"] else ""
        items.append(f'<tr><td><a href="{r["name"]}/{r["name"]}.html">{r["name"]}</a></td>'
                     f'<td style="color:{colour}"><b>{r["status"].upper()}</b>{err}</td><td>{checks}</td>'
                     f'<td>{r["wall"]:.1f} s</td><td><a href="{r["name"]}/{r["name"]}.ipynb">ipynb</a> · '
                     f'<a href="{r["name"]}/provenance.json">provenance</a></td></tr>')
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Training Dynamics Workbench results</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 12px;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body><h1>Training Dynamics Workbench — reproduced studies</h1>
<p>Profile <b>{profile}</b>, generated {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}.</p>
<table><tr><th>notebook</th><th>status</th><th>checks</th><th>wall time</th><th>files</th></tr>
{''.join(items)}</table></body></html>
"""
    (results / "index.html").write_text(page, encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebooks to run (name or prefix, e.g. 02 or 02-cmd); default all")
    ap.add_argument("--profile", default=os.environ.get("WORKBENCH_PROFILE", "paper"), choices=["smoke", "paper"])
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    ap.add_argument("--results", default=None)
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    a = ap.parse_args()
    root = Path(a.root)
    results = Path(a.results) if a.results else root / "results"
    results.mkdir(parents=True, exist_ok=True)
    nbs = sorted((root / "notebooks").glob("*.ipynb"))
    if a.names:
        # a full name selects that notebook only; anything else is a prefix (02 -> 02-cmd)
        stems = {p.stem for p in nbs}
        nbs = [p for p in nbs if any(p.stem == n or (p.stem.startswith(n) and n not in stems) for n in a.names)]
        if not nbs:
            print(f"reproduce: no notebook matches {a.names}", file=sys.stderr)
            return 2
    if not nbs:
        print("reproduce: no notebooks in notebooks/", file=sys.stderr)
        return 0

    def bar(name, k, n):
        width = 30
        fill = int(width * k / max(n, 1))
        sys.stderr.write(f"\r  {name:<32} [{'#' * fill}{'.' * (width - fill)}] {k}/{n} cells")
        sys.stderr.flush()

    rows = []
    for i, p in enumerate(nbs, 1):
        print(f"[{i}/{len(nbs)}] {p.stem} (profile {a.profile})", file=sys.stderr)
        r = run_one(p, root, results, a.profile, a.timeout, bar)
        sys.stderr.write("\n")
        s = r["summary"]
        print(f"  {r['status'].upper()}: {p.stem} in {r['wall']:.1f} s"
              + (f", checks {s['passed']} passed, {s['failed']} failed" if s else "")
              + (f" — {r['error']}" if r["error"] else ""), file=sys.stderr)
        rows.append(r)
        write_index(results, rows, a.profile)
    bad = [r for r in rows if r["status"] != "ok"]
    print(f"reproduce: {len(rows) - len(bad)} of {len(rows)} notebooks passed; see {results / 'index.html'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
