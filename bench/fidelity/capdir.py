"""capdir.py -- reading a capture directory (FILE.state/NAME) for the fidelity scripts."""
import array
import os
import re
import subprocess


def zones(d):
    """The populated zones of capture d's zoneinfo: [(name, start_pfn, end_pfn)]."""
    zs, cur = [], None
    with open(os.path.join(d, "zoneinfo")) as f:
        for line in f:
            m = re.match(r"Node (\d+), zone\s+(\S+)", line)
            if m:
                cur = [m.group(2), 0, 0]
                zs.append(cur)
            m = re.match(r"\s+start_pfn:\s+(\d+)", line)
            if m and cur:
                cur[1] = int(m.group(1))
            m = re.match(r"\s+spanned\s+(\d+)", line)
            if m and cur:
                cur[2] = int(m.group(1))
    return [(n, s, s + sp) for n, s, sp in zs if sp]


def kpageflags(d):
    """Capture d's kpageflags.zst: one u64 of KPF_* bits per pfn, pfn 0 first."""
    raw = subprocess.run(["zstd", "-dc", os.path.join(d, "kpageflags.zst")],
                         capture_output=True, check=True).stdout
    a = array.array("Q")
    a.frombytes(raw)
    return a
