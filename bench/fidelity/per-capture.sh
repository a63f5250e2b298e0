#!/bin/bash
# bench/fidelity/per-capture.sh TRACE [CAPTURE...] -- model against kernel, per order, at
# each capture of TRACE.state/ (default: every one): `mmfrag replay --check-state` on each,
# printing per zone the error and the model-minus-kernel free blocks per order.  No root.
set -eu
T=$1; shift
MMFRAG=${MMFRAG:-$(cd "$(dirname "$0")/../.." && pwd)/mmfrag}
caps=("$@")
[ ${#caps[@]} -gt 0 ] || caps=($(ls "$T.state" | grep -v '^start$'))
for c in "${caps[@]}"; do
	"$MMFRAG" replay --json -q --check-state="$T.state/$c" "$T" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for z in d["zones"]:
    c = z.get("check")
    if not c or z["zone"] == "DMA":
        continue
    diff = [m - k for m, k in zip(c["model_free_blocks"], c["kernel_free_blocks"])]
    print("%-5s %-7s err %.4f  model-kernel %s  kernel %s" % (sys.argv[1], z["zone"],
          c["free_blocks_error"], diff, c["kernel_free_blocks"]))
' "$c"
done
