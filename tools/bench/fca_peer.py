"""The peer of tools/bench/fca.sh: 2SFCA for every category of services.csv over origins.csv (both written by
make_national_inputs.py, EPSG:27700 easting/northing, origins weighted by population), by straight line, for each
catchment of --metres, as a Python user would: scipy's cKDTree.query_ball_point (all cores) for the pairs within
the largest catchment, then PySAL access's two_stage_fca per catchment (max_cost just above t, since PySAL keeps
cost < max_cost). Writes one CSV of every origin's value per category and catchment; prints a timings line.

usage: fca_peer.py --origins CSV --services CSV --metres 800,2000 --out CSV
"""

import argparse
import math
import time
import warnings

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

warnings.filterwarnings("ignore", message=".*chained assignment.*")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--origins", required=True)
    ap.add_argument("--services", required=True)
    ap.add_argument("--metres", default="800,2000")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    import access

    t0 = time.perf_counter()
    origins = pd.read_csv(args.origins)
    services = pd.read_csv(args.services)
    oxy = origins[["easting", "northing"]].to_numpy(dtype=float)
    pop = origins["population"].to_numpy(dtype=float)
    thresholds = sorted(float(t) for t in args.metres.split(","))
    t1 = time.perf_counter()
    tree = cKDTree(oxy)
    demand = pd.DataFrame({"origin": np.arange(len(oxy)), "pop": pop})
    out = pd.DataFrame({"origin": np.arange(len(oxy))})
    pairs_s = fca_s = 0.0
    for category in sorted(services.category.unique()):
        sxy = services.loc[services.category == category, ["easting", "northing"]].to_numpy(dtype=float)
        ta = time.perf_counter()
        lists = tree.query_ball_point(sxy, thresholds[-1], workers=-1)
        j = np.repeat(np.arange(len(sxy)), [len(x) for x in lists])
        o = np.concatenate([np.asarray(x, dtype=np.int64) for x in lists]) if len(j) else np.zeros(0, np.int64)
        cost = pd.DataFrame({"origin": o, "service": j, "cost": np.hypot(*(oxy[o] - sxy[j]).T)})
        tb = time.perf_counter()
        supply = pd.DataFrame({"service": np.arange(len(sxy)), "supply": np.ones(len(sxy))})
        a = access.Access(demand_df=demand, demand_index="origin", demand_value="pop", supply_df=supply,
                          supply_index="service", supply_value="supply", cost_df=cost, cost_origin="origin",
                          cost_dest="service", cost_name="cost")
        for t in thresholds:
            r = a.two_stage_fca(name="x", max_cost=float(np.nextafter(t, math.inf)))["x_supply"]
            out[f"{category}_straight_2sfca_{int(t)}"] = r.reindex(range(len(oxy))).fillna(0.0).to_numpy()
        pairs_s += tb - ta
        fca_s += time.perf_counter() - tb
    t2 = time.perf_counter()
    out.to_csv(args.out, index=False)
    t3 = time.perf_counter()
    print(f"timings: read {t1 - t0:.2f} s, pairs (cKDTree) {pairs_s:.2f} s, 2SFCA (access) {fca_s:.2f} s, write {t3 - t2:.2f} s")


if __name__ == "__main__":
    main()
