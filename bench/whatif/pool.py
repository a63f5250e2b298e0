#!/usr/bin/env python3
"""bench/whatif/pool.py -- issue 12's goal over several what-if sets at once.

    pool.py [--json] DIR...

Reads the DIR/table.json that analyze.py wrote for each set (no replay: run analyze.py
first, with the simulator to judge) and prints, per set and over all of them:

  sig / sign / 30%   significant real effects (|real effect| > 2 standard errors), how many
                     the simulator has with the right sign, how many within 30% of the real
                     magnitude (the goal: sign right on 90% and within 30%);
  default            the simulated default against the traced kernel on the same traces,
                     stall / success / fail, in percent (the goal: within 15%);
  own                own-recording fidelity (sum of |sim - real| / real, lower is better);
  order-0 fails      order-0 requests those simulations (under the traced settings) failed,
                     and the kernel on the same traces (it fails almost none);

then, per config, the sets where it meets the goal (every significant effect of it right
and within 30%), misses it, or has no significant real effect.  A set made with another
workload counts the same: the goal is per set.  --json prints the same as JSON.
"""
import argparse
import json
import os
import sys

METRICS = ("stall", "success", "fail")


def load(d):
    path = os.path.join(d, "table.json")
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        sys.exit("pool.py: %s: %s" % (path, e.strerror))
    except ValueError as e:
        sys.exit("pool.py: %s: not JSON: %s" % (path, e))


def summarize(dirs):
    sets, per_config = [], {}
    tot = {"significant_effects": 0, "sign_right": 0, "magnitude_within_30pct": 0}
    for d in dirs:
        t = load(d)
        g = t.get("goal")
        if not g or "default_vs_traced" not in t:
            sys.exit("pool.py: %s/table.json: no goal section (made by an older analyze.py?)" % d)
        name = os.path.basename(os.path.normpath(d))
        for k in tot:
            tot[k] += g[k]
        sets.append({
            "set": name,
            "significant_effects": g["significant_effects"],
            "sign_right": g["sign_right"],
            "magnitude_within_30pct": g["magnitude_within_30pct"],
            "default_error_pct": {k: t["default_vs_traced"][k]["error_pct"] for k in METRICS},
            "default_within_15pct": g["default_within_15pct"],
            "own_fidelity": t.get("own_recordings", {}).get("abs_rel_error_sum"),
            "order0_failures": (t.get("allocation_failures") or {}).get("order0"),
        })
        for c, ok in g["per_config"].items():
            per_config.setdefault(c, {"meets": [], "misses": [], "not_significant": []})
            per_config[c]["meets" if ok else "misses" if ok is False else
                          "not_significant"].append(name)
    n = tot["significant_effects"]
    return {
        "sets": sets,
        "total": dict(tot, sign_right_pct=100.0 * tot["sign_right"] / n if n else None,
                      within_30pct_pct=100.0 * tot["magnitude_within_30pct"] / n if n else None,
                      default_within_15pct_sets=sum(1 for s in sets if s["default_within_15pct"])),
        "configs": per_config,
    }


def pct(x):
    return "  n/a" if x is None else "%5.1f" % x


def main():
    ap = argparse.ArgumentParser(description="issue 12's goal over several what-if sets")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("dirs", nargs="+", metavar="DIR", help="a set analyze.py has scored")
    a = ap.parse_args()
    p = summarize(a.dirs)
    if a.json:
        json.dump(p, sys.stdout, indent=1)
        print()
        return
    print("%-20s %4s %5s %4s   %-24s %-5s %s" % ("set", "sig", "sign", "30%",
                                                  "default stall/succ/fail", "own",
                                                  "order-0 fails sim/kernel"))
    for s in p["sets"]:
        e, f = s["default_error_pct"], s["order0_failures"]
        print("%-20s %4d %5d %4d   %+6.1f/%+6.1f/%+6.1f%% %s %-5s %s" % (
            s["set"], s["significant_effects"], s["sign_right"], s["magnitude_within_30pct"],
            e["stall"], e["success"], e["fail"], " " if s["default_within_15pct"] else "!",
            "n/a" if s["own_fidelity"] is None else "%.2f" % s["own_fidelity"],
            "n/a" if f is None else "%d/%d" % (f["simulated"], f["kernel"])))
    t = p["total"]
    print("\nover %d sets: %d significant real effects, sign right on %d (%s%%, goal 90), "
          "within 30%% on %d (%s%%, goal 90); simulated default within 15%% in %d sets"
          % (len(p["sets"]), t["significant_effects"], t["sign_right"], pct(t["sign_right_pct"]).strip(),
             t["magnitude_within_30pct"], pct(t["within_30pct_pct"]).strip(),
             t["default_within_15pct_sets"]))
    print("\nper config: the sets where it meets the goal, misses it, has no significant effect")
    for c in sorted(p["configs"]):
        v = p["configs"][c]
        print("  %s\n    meets:  %s\n    misses: %s\n    n.s.:   %s" % (
            c, " ".join(v["meets"]) or "-", " ".join(v["misses"]) or "-",
            " ".join(v["not_significant"]) or "-"))


if __name__ == "__main__":
    main()
