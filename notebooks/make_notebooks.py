#!/usr/bin/env python3
"""Builds notebooks/NN-name.ipynb from notebooks/src/NN-name.jsh (standard library only).

Source format: Java cells separated by lines `//%%`; a markdown cell starts with `//%% md` and its
lines are written as `// text` comments. Generated notebooks carry the workbench-java kernelspec.
Run it after editing a source: `python3 notebooks/make_notebooks.py` (it rewrites every notebook).
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cells_of(text):
    cells, kind, lines = [], None, []

    def flush():
        body = "\n".join(lines).strip("\n")
        if kind is not None and body.strip():
            cells.append((kind, body))

    for line in text.splitlines():
        if line.startswith("//%%"):
            flush()
            kind = "markdown" if line[4:].strip() == "md" else "code"
            lines = []
            continue
        if kind == "markdown":
            line = line[3:] if line.startswith("// ") else line[2:] if line.startswith("//") else line
        lines.append(line)
    flush()
    return cells


def notebook(cells):
    out = []
    for kind, body in cells:
        src = [l + "\n" for l in body.split("\n")]
        src[-1] = src[-1].rstrip("\n")
        c = {"cell_type": kind, "metadata": {}, "source": src}
        if kind == "code":
            c.update({"execution_count": None, "outputs": []})
        out.append(c)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Java (Training Dynamics Workbench)", "language": "java",
                           "name": "workbench-java"},
            "language_info": {"name": "java", "file_extension": ".jshell", "mimetype": "text/x-java-source"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


def main():
    srcs = sorted((HERE / "src").glob("*.jsh"))
    for s in srcs:
        nb = notebook(cells_of(s.read_text(encoding="utf-8")))
        target = HERE / (s.stem + ".ipynb")
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{s.relative_to(HERE)} -> {target.name} ({len(nb['cells'])} cells)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
