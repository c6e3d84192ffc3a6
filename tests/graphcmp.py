#!/usr/bin/env python3
"""graphcmp.py - compare fgkit's top tables and dot graphs with pprof's, by
meaning: the same functions with the same flat and cum (and, for graphs,
the same edges with the same weights, residual marks and drawing
attributes).  Legends and pprof's "(inline)" marks are not compared.

    graphcmp.py top EXPECTED ACTUAL
    graphcmp.py dot EXPECTED ACTUAL

Prints what differs and exits 1, or exits 0.
"""
import re
import sys


def top_rows(path):
    rows, started = [], False
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not started:
            started = re.match(r"^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$", line)
            continue
        m = re.match(r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)  (.*)$", line)
        if not m:
            raise SystemExit(f"{path}: not a top row: {line!r}")
        name = re.sub(r" \((partial-)?inline\)$", "", m.group(6))
        rows.append((name,) + m.group(1, 2, 3, 4, 5))
    if not started:
        raise SystemExit(f"{path}: no top table header")
    return rows


NODE = re.compile(r'^N(\d+) \[label="(.*)" id="node\d+" (.*) tooltip="(.*) \(([^()]*)\)" (color=.*)\]$')
EDGE = re.compile(r'^N(\d+) -> N(\d+) \[label=" ([^"\\]*)(?:\\n \(inline\))?"(.*?) tooltip="(.*?)" labeltooltip=.*?\]$')


def dot_graph(path):
    nodes, edges = {}, {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = NODE.match(line)
        if m:
            label = m.group(2)
            # the values: the label's lines after the name's
            vals = re.search(r"(?:\\n|^)((?:-?[\d.]+\w*|0) \(|0(?: of|$))(.*)$", label)
            flat = re.search(r"\\n(-?[\d.]+[^\s\\]*) \(([^)]*)\)(?:\\nof|$)", label)
            cum = re.search(r"of (-?[\d.]+[^\s\\]*) \(([^)]*)\)$", label)
            flatv = flat.group(1) if flat else "0"
            cumv = cum.group(1) if cum else flatv
            nodes[m.group(1)] = dict(name=m.group(4), flat=flatv, cum=cumv,
                                     attrs=m.group(3), colors=m.group(6),
                                     tip_cum=m.group(5))
            continue
        m = EDGE.match(line)
        if m:
            edges[(m.group(1), m.group(2))] = dict(
                w=m.group(3), attrs=re.sub(r" style=\"dotted\"| minlen=2", "", m.group(4)),
                residual=" ... " in m.group(5))
    named = {v["name"]: v for v in nodes.values()}
    e = {}
    for (a, b), v in edges.items():
        if a in nodes and b in nodes:
            e[(nodes[a]["name"], nodes[b]["name"])] = v
    return named, e


def main():
    kind, exp, act = sys.argv[1:4]
    bad = []
    if kind == "top":
        x, y = top_rows(exp), top_rows(act)
        if x != y:
            for i in range(max(len(x), len(y))):
                a = x[i] if i < len(x) else None
                b = y[i] if i < len(y) else None
                if a != b:
                    bad.append(f"row {i + 1}: expected {a}, got {b}")
    else:
        xn, xe = dot_graph(exp)
        yn, ye = dot_graph(act)
        for name in sorted(set(xn) | set(yn)):
            a, b = xn.get(name), yn.get(name)
            if a is None or b is None:
                bad.append(f"node {name}: {'extra' if a is None else 'missing'}")
            elif a != b:
                bad.append(f"node {name}: expected {a}, got {b}")
        for k in sorted(set(xe) | set(ye)):
            a, b = xe.get(k), ye.get(k)
            if a is None or b is None:
                bad.append(f"edge {k[0]} -> {k[1]}: {'extra' if a is None else 'missing'}")
            elif a != b:
                bad.append(f"edge {k[0]} -> {k[1]}: expected {a}, got {b}")
        if not xn and not open(exp, encoding="utf-8").read().startswith("digraph"):
            bad.append(f"{exp}: not a dot graph")
    for b in bad[:20]:
        print(b)
    if len(bad) > 20:
        print(f"... and {len(bad) - 20} more")
    sys.exit(1 if bad else 0)


main()
