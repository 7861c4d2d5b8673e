#!/usr/bin/env python3
"""Where the widget wasm's bytes go: per-function code size of a wasm module that still has
its name section (the wasm-bindgen output, before wasm-opt strips names), grouped by crate.
Usage: wasm-size.py <target-wasm-dir>/xtask-natter_widget/natter_widget_bg.wasm [top N]
Used for the size work of issue 3 (see BENCHMARKS.md)."""
import sys, re, collections
data = open(sys.argv[1], 'rb').read()
def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i
pos = 8; nimports_f = 0; sizes = []; names = {}; secs = collections.Counter()
while pos < len(data):
    sid = data[pos]; pos += 1
    size, pos = leb(data, pos); end = pos + size
    if sid == 2:
        n, p = leb(data, pos)
        for _ in range(n):
            l, p = leb(data, p); p += l
            l, p = leb(data, p); p += l
            kind = data[p]; p += 1
            if kind == 0: _, p = leb(data, p); nimports_f += 1
            elif kind == 1: p += 1; fl, p = leb(data, p); _, p = leb(data, p); p = (leb(data, p)[1] if fl & 1 else p)
            elif kind == 2: fl, p = leb(data, p); _, p = leb(data, p); p = (leb(data, p)[1] if fl & 1 else p)
            elif kind == 3: p += 2
    if sid == 10:
        n, p = leb(data, pos)
        for _ in range(n):
            l, p2 = leb(data, p); sizes.append(l + (p2 - p)); p = p2 + l
    if sid == 0:
        l, p = leb(data, pos); name = data[p:p+l]; p += l
        secs['custom:' + name.decode()] += size
        if name == b'name':
            while p < end:
                sub = data[p]; p += 1; sl, p = leb(data, p); se = p + sl
                if sub == 1:
                    n, q = leb(data, p)
                    for _ in range(n):
                        idx, q = leb(data, q); l, q = leb(data, q); names[idx] = data[q:q+l].decode('utf8', 'replace'); q += l
                p = se
    else:
        secs[sid] += size
    pos = end
print('sections', dict(secs))
funcs = [(sizes[i], names.get(i + nimports_f, f'func{i}')) for i in range(len(sizes))]
tot = sum(s for s, _ in funcs)
print('code total', tot, 'functions', len(funcs))
def crate(n):
    n = re.sub(r'^<', '', n)
    m = re.match(r'([a-zA-Z_][a-zA-Z0-9_]*)::', n)
    return m.group(1) if m else n[:30]
by = collections.Counter()
for s, n in funcs: by[crate(n)] += s
for c, s in by.most_common(25): print(f'{s:8d} {c}')
print('--- top functions')
for s, n in sorted(funcs, reverse=True)[:int(sys.argv[2]) if len(sys.argv) > 2 else 40]: print(f'{s:7d} {n[:160]}')
