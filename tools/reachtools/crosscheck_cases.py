"""The cross-check cases: which reach command runs on which inputs, and which checker in tools/crosscheck/ compares it.

`checkers(data, out)` is the one table, in the order the run takes it (reachtools.crosscheck drives it; run.sh calls
that): wards.py and distance.py (a full run only), coverage.py and departures.py (CROSSCHECK_ONLY=transit),
scoring.py (=scoring), broadband.py (=broadband), raptor.py (=pt) and scenarios.py (=scenarios: `reach run` with
scenarios, one study that scenarios.py prepare writes, checked against the other checkers' oracles on feeds it
edits with pandas) and equity.py (=equity: `reach run` on a copy of the Trafford study that equity.py prepare
writes, its [equity] and [left_behind] tables recomputed with numpy/pandas/geopandas and PySAL's inequality),
and service_profile.py (=service_profile: `reach run` on a copy of fixtures/newport/service_profile.toml that
service_profile.py prepare writes, its [service_profile] table recomputed with gtfs-kit/pandas/numpy/scipy), and
catchment.py (=catchment: `reach distance` with floating catchments, supply, road distance and nth nearest against
PySAL's access, scipy and networkx).
Each `Checker` is a script of tools/crosscheck/ with its cases; each `Case` names

  - the reach subcommand and its arguments (`args`), and the outputs it writes into the case folder
    OUT/FOLDER/NAME (`outs`, (flag, file name) pairs, appended after `args`);
  - what it needs, looked at in this order: `fixtures` (bundled in fixtures/: missing is always a failure), `probe`
    (a test of the reach binary: a reason is a failure), `data` (from the shared data folder, REACH_DATA: missing is
    a skip naming the files, a failure under CI=true), then its `prepare` step runs (once per run, before the first
    case that needs it) and `made` (what that step should have written: missing is a failure with its reason);
  - `oracle`: a script run after reach on the same inputs (the scoring oracle writes oracle.csv beside reach.csv).

`group(cases, ...)` gives several cases the same needs, looked at before each case's own: a case whose group lacks
a file is reported with the group's missing files only, and consecutive cases not run for the same reason share one
line on stderr. A case with no subcommand runs no reach: the checker's oracle self-test (its folder is '-').
All paths are kept as strings built like run.sh built them (relative to the repo root, REACH_DATA as given).
"""

import datetime
import subprocess

CHECKER_DIR = "tools/crosscheck"
F = "fixtures/trafford"  # Trafford's wards, output areas, services and stops, bundled
FB = "fixtures/broadband"  # the made-up output-area broadband files, bundled
STUDIES = "tools/crosscheck/studies"


class Prepare:
    """`python tools/crosscheck/SCRIPT ARGS...` (its stdout sent to stderr), after deleting the files matching
    `remove`: writes inputs the cases hand to reach. A failing step stops the run with its exit status."""

    def __init__(self, script, args, remove=()):
        self.script, self.args, self.remove = script, list(args), list(remove)


class Oracle:
    """`python tools/crosscheck/SCRIPT ARGS... FLAG DIR/FILE...` run after reach in the case folder, its stderr kept
    in DIR/oracle.stderr; a failure is reported and left to the checker."""

    def __init__(self, script, args, outs):
        self.script, self.args, self.outs = script, list(args), list(outs)


class Case:
    """One reach run and what it needs; see the module docstring. fixtures and data are lists of paths (kept as
    tiers: `group` puts its own first); `why` is added to a skip's reason; `made` is (paths, reason)."""

    def __init__(self, name, sub=None, args=(), outs=(), *, fixtures=(), data=(), why="", probe=None, prepare=None,
                 made=None, oracle=None):
        self.name, self.sub, self.args, self.outs = name, sub, list(args), list(outs)
        self.fixtures = [list(fixtures)] if fixtures else []
        self.data = [list(data)] if data else []
        self.why, self.probe, self.prepare, self.made, self.oracle = why, probe, prepare, made, oracle

    def arg(self, flag):
        """The value after flag in args."""
        return self.args[self.args.index(flag) + 1]


def group(cases, *, fixtures=(), data=(), why=None, prepare=None):
    """cases with the group's fixtures and data looked at before their own, and its why and prepare when given."""
    for case in cases:
        if fixtures:
            case.fixtures.insert(0, list(fixtures))
        if data:
            case.data.insert(0, list(data))
        case.why = case.why if why is None else why
        case.prepare = case.prepare or prepare
    return cases


class Checker:
    """A script of tools/crosscheck/ and its cases: reach writes into OUT/folder/NAME; then
    `python tools/crosscheck/SCRIPT CHECK... --case VALUES... --skipped 'NAME: reason'... --failed 'NAME: reason'...`
    runs, its stdout kept in OUT/<script stem>.log. `only` is the CROSSCHECK_ONLY value that selects it (None: only
    a full run); `case_values(case, folder)` gives a --case's values (default NAME FOLDER)."""

    def __init__(self, script, folder, check, cases, only=None, case_values=None):
        self.script, self.folder, self.check, self.cases, self.only = script, folder, list(check), cases, only
        self.case_values = case_values or (lambda case, folder: [case.name, folder])

    @property
    def log(self):
        return self.script.replace(".py", ".log")


def pt_answers(reach):
    """None when `reach pt --help` exits 0 and prints its usage; else why pt-newport is a failure (not a skip)."""
    try:
        # Read the help whole: a reader stopping early would kill reach with SIGPIPE.
        done = subprocess.run([reach, "pt", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        text, ok = done.stdout.decode(errors="replace"), done.returncode == 0
    except OSError as e:
        text, ok = str(e), False
    if ok and "USAGE: reach pt" in text:
        return None
    first = text.rstrip("\n").split("\n")[0]
    return f"'{reach} pt --help' failed or printed no 'USAGE: reach pt' (no pt subcommand?): {first}"


def checkers(data, out):
    """The table: every checker with its cases, in run order. data = REACH_DATA, out = CROSSCHECK_TMP."""
    D, G, T, OF = data, f"{data}/gtfs", f"{data}/trafford", f"{data}/ofcom"
    WARDS_BY_LAD = f"{D}/uk-geojson/wards_by_lad"
    NEW_WARDS = f"{D}/wards_extra/W06000022_newport_wards_dec2023.geojson"
    NEW_PBF = f"{D}/osm/newport-2023-06-13.osm.pbf"
    BUS, RAIL = f"{G}/newport-20240305-bus_gtfs.zip", f"{G}/newport-20240305-rail_gtfs.zip"
    CHESTER = f"{G}/chester-20230816-small_gtfs.zip"
    HAND = "fixtures/gtfs/hand"  # the bundled hand-made feed (its README works it out)
    STATION = f"{G}/newport-20230613-station_gtfs.zip"  # the 2023-06-13 station-area (bus) feed
    RUT_WARDS = f"{D}/wards_extra/E06000017_rutland_wards_dec2023.geojson"
    RUT_PBF = f"{D}/osm/rutland-2022-07-20.osm.pbf"
    RUT_OA = f"{D}/uk-geojson/oa_by_lad/E06000017.json.gz"
    CW_WARDS = f"{D}/wards_extra/E06000050_cheshire_west_chester_wards_dec2023.geojson"
    CW_OA = f"{D}/uk-geojson/oa_by_lad/E06000050.json.gz"
    NAPTAN = f"{D}/naptan/061Stops.csv"
    TRAFFORD_WARDS, TRAFFORD_OA = f"{F}/wards_2017.geojson", f"{F}/output_areas_2021.geojson"
    MALDON_WARDS = "fixtures/england/E07000074-maldon-wards-2013.json"
    GP, SCHOOLS, CENTRES = f"{F}/gp_practices.geojson", f"{F}/schools.geojson", f"{F}/town_centres.geojson"
    JOBCENTRES, PHARMACIES = f"{F}/jobcentre_plus.geojson", f"{F}/pharmacies.geojson"
    SERVICES = [GP, SCHOOLS, CENTRES, JOBCENTRES, PHARMACIES]
    BUS_STOPS, RAIL_STATIONS = f"{F}/bus_stops.geojson", f"{F}/rail_stations.geojson"
    METRO_STOPS = f"{F}/metrolink_stops.geojson"
    WOUT, DOUT, TOUT = f"{out}/wards", f"{out}/distance", f"{out}/transit"
    SOUT, BOUT, POUT, SCOUT = f"{out}/scoring", f"{out}/broadband", f"{out}/pt", f"{out}/scenarios"
    EOUT = f"{out}/equity"
    H, N = f"{BOUT}/handmade", f"{BOUT}/national"

    def check_in(folder):  # the checkers' own arguments, but wards.py's
        return ["check", "--data", D, "--tmp", folder]

    def services(*paths):
        return [a for p in paths for a in ("--services", p)]

    # `reach wards` against geopandas (wards.py): exit status, count, order, pass-through properties, area_km2 in
    # EPSG:27700, validity, written-geometry area, RFC 7946 winding and precision, reach_warning. Maldon holds the
    # real repair case (E05004205). wards.py takes no arguments of its own, and its --case is NAME INPUT DIR.
    def wards(name, path, **needs):
        return Case(name, "wards", ["--wards", path], [("--out", "out.geojson")], **needs)

    wards_checker = Checker("wards.py", WOUT, [], [
        wards("trafford-2017", TRAFFORD_WARDS, fixtures=[TRAFFORD_WARDS]),
        wards("maldon-2013", MALDON_WARDS, fixtures=[MALDON_WARDS]),
        wards("england-2013", WARDS_BY_LAD, data=[WARDS_BY_LAD]),  # 326 files, 7,681 wards
    ], case_values=lambda case, folder: [case.name, case.arg("--wards"), folder])

    # `reach distance`, `reach nearest` and `reach network` against geopandas / networkx (distance.py): a hand-made
    # network with one probe per rule of docs/road-network.md, Trafford straight line (5 service files, 738 output
    # areas by population), Trafford schools by phase, `reach nearest` on the output-area points, road-network
    # times on Rutland and Newport (services from the OSM extracts; origins Rutland's 2011 output areas and a 250 m
    # grid over Newport), every segment of `reach network --out-edges` on both extracts.
    distance_outs = {"distance": [("--out", "wards.geojson"), ("--origins-out", "origins.csv")],
                     "nearest": [("--out", "nearest.csv")], "network": [("--out-edges", "edges.geojson")]}

    def distance(name, sub, *args, **needs):
        return Case(name, sub, args, distance_outs[sub], **needs)

    distance_prepare = Prepare("distance.py", ["prepare", "--data", D, "--tmp", DOUT], remove=[f"{DOUT}/rules*"])
    distance_checker = Checker("distance.py", DOUT, check_in(DOUT), [
        distance("distance-rules", "distance", "--wards", f"{DOUT}/rules_zones.geojson", "--code-field", "code",
                 "--services", f"{DOUT}/rules_services.csv", "--category-field", "category",
                 "--origins", f"{DOUT}/rules_origins.csv", "--osm", f"{DOUT}/rules.osm.pbf",
                 "--modes", "walk,cycle,car", "--minutes", "15,30", "--min-island-nodes", "0",
                 prepare=distance_prepare,
                 made=([f"{DOUT}/rules.osm.pbf"], "tools/fixtures/osm_pbf.py (the PBF writer) not found: "
                       "distance.py prepare wrote no rules network")),
        *group([
            distance("distance-trafford", "distance", "--wards", TRAFFORD_WARDS, *services(*SERVICES),
                     "--origins", TRAFFORD_OA, "--weight-field", "population", "--metres", "800,2000"),
            distance("distance-trafford-school-phase", "distance", "--wards", TRAFFORD_WARDS,
                     *services(SCHOOLS), "--category-field", "phase_derived",
                     "--origins", TRAFFORD_OA, "--weight-field", "population", "--metres", "800,2000"),
            distance("distance-trafford-wardpos", "distance", "--wards", TRAFFORD_WARDS,
                     *services(GP, PHARMACIES)),
            distance("nearest-trafford", "nearest", "--points", f"{DOUT}/trafford_oa_points.csv",
                     *services(*SERVICES), prepare=distance_prepare),
            distance("nearest-trafford-lonlat", "nearest", "--points", f"{DOUT}/trafford_oa_points_lonlat.csv",
                     *services(f"{DOUT}/gp_lonlat.csv"), prepare=distance_prepare),
        ], fixtures=[TRAFFORD_WARDS, TRAFFORD_OA, *SERVICES]),
        distance("distance-rutland", "distance", "--wards", RUT_WARDS,
                 *services(f"{DOUT}/rutland_services.csv"), "--category-field", "category",
                 "--origins", RUT_OA, "--osm", RUT_PBF, "--minutes", "15,30", "--metres", "800,2000",
                 data=[RUT_PBF, RUT_WARDS, RUT_OA], prepare=distance_prepare),
        distance("network-rutland", "network", "--osm", RUT_PBF, data=[RUT_PBF]),
        distance("network-newport", "network", "--osm", NEW_PBF, data=[NEW_PBF]),
        distance("distance-newport", "distance", "--wards", NEW_WARDS,
                 *services(f"{DOUT}/newport_services.csv"), "--category-field", "category",
                 "--origins", f"{DOUT}/newport_grid_origins.csv", "--osm", NEW_PBF,
                 "--minutes", "15,30", "--metres", "800,2000",
                 data=[NEW_PBF, NEW_WARDS], prepare=distance_prepare),
    ])

    # `reach coverage` and `reach gaps` against geopandas (coverage.py): Trafford's 2017 wards with bus, rail and
    # Metrolink stops and 738 output areas by population (all bundled); Cheshire West and Chester's 2023 wards with
    # NaPTAN 061Stops.csv (no origins: ward point on surface, then its 1,109 output areas); Newport's 2023 wards
    # with the Newport bus GTFS (departures per hour per ward), then bus + rail on a 250 m grid of origins.
    def transit(name, sub, outfile, *args, **needs):
        return Case(name, sub, args, [("--out", outfile)], **needs)

    stops = ["--bus-stops", BUS_STOPS, "--rail-stations", RAIL_STATIONS, "--metro-stops", METRO_STOPS]
    trafford_origins = ["--origins", TRAFFORD_OA, "--weight-field", "population"]
    coverage_checker = Checker("coverage.py", TOUT, check_in(TOUT), [
        *group([
            transit("coverage-trafford", "coverage", "out.geojson", "--wards", TRAFFORD_WARDS, *trafford_origins,
                    *stops),
            transit("coverage-trafford-r300", "coverage", "out.geojson", "--wards", TRAFFORD_WARDS,
                    *trafford_origins, *stops, "--bus-radius", "300", "--station-bands", "500,1500"),
            transit("gaps-trafford", "gaps", "out.geojson", "--wards", TRAFFORD_WARDS, "--bus-stops", BUS_STOPS,
                    *trafford_origins, "--radius", "400"),
        ], fixtures=[TRAFFORD_WARDS, TRAFFORD_OA, BUS_STOPS, RAIL_STATIONS, METRO_STOPS]),
        *group([
            transit("coverage-cwac-naptan", "coverage", "out.geojson", "--wards", CW_WARDS, "--code-field", "WD23CD",
                    "--naptan", NAPTAN),
            transit("coverage-cwac-naptan-oa", "coverage", "out.geojson", "--wards", CW_WARDS,
                    "--code-field", "WD23CD", "--naptan", NAPTAN, "--origins", CW_OA, data=[CW_OA]),
            transit("gaps-cwac-naptan", "gaps", "out.geojson", "--wards", CW_WARDS, "--code-field", "WD23CD",
                    "--naptan", NAPTAN),
        ], data=[CW_WARDS, NAPTAN]),
        *group([
            transit("coverage-newport-gtfs", "coverage", "out.geojson", "--wards", NEW_WARDS,
                    "--code-field", "WD23CD", "--gtfs", BUS, "--date", "2024-03-05", "--window", "07:00-10:00"),
            transit("coverage-newport-gtfs-bus-rail", "coverage", "out.geojson", "--wards", NEW_WARDS,
                    "--code-field", "WD23CD", "--gtfs", BUS, "--gtfs", RAIL, "--date", "2024-03-05",
                    "--origins", f"{TOUT}/newport_grid_origins.csv",
                    data=[RAIL], prepare=Prepare("coverage.py", ["prepare", "--data", D, "--tmp", TOUT])),
        ], data=[NEW_WARDS, BUS]),
    ], only="transit")

    # `reach departures` against gtfs-kit (departures.py): the Chester, Newport bus and Newport rail feeds,
    # 07:00-10:00 and the whole day (00:00-48:00, also against gtfs-kit's compute_stop_stats), Chester with no
    # --date (the first week's Tuesday), two feeds in one run, and a hand-made feed with one probe per rule.
    # Then the hourly table (docs/transit.md "By hour") on a Monday-Sunday week of each of those feeds, of the
    # bundled fixtures/gtfs/hand and of the hand-made probe feed: `--week MONDAY` (every date, stop and hour, in
    # all and by class, and the no-service notes), `--date D --window 00:00-24:00` for each of the seven dates (the
    # week's hours of D summed per stop must equal it), `--hourly --date` on the Tuesday (the week's rows of that
    # date), and `--hourly` on Sunday 2024-03-10, when the Newport rail feed runs nothing (a note, no rows).
    def departures(name, *args, **needs):
        return transit(name, "departures", "stops.csv", "--gtfs", *args, **needs)

    def by_hour(name, *args, **needs):
        return transit(name, "departures", "by-hour.csv", "--gtfs", *args, **needs)

    def hourly_week(place, feed, monday, **needs):
        days = [(datetime.date.fromisoformat(monday) + datetime.timedelta(days=k)).isoformat() for k in range(7)]
        return group([
            by_hour(f"departures-{place}-week", feed, "--week", monday),
            *[departures(f"departures-{place}-24h-{d}", feed, "--date", d, "--window", "00:00-24:00") for d in days],
            by_hour(f"departures-{place}-hourly", feed, "--hourly", "--date", days[1]),
        ], **needs)

    feeds = [("chester", CHESTER, "2023-08-15"), ("newport-bus", BUS, "2024-03-05"),
             ("newport-rail", RAIL, "2024-03-05")]
    mondays = {"chester": "2023-08-14", "newport-bus": "2024-03-04", "newport-rail": "2024-03-04"}
    handmade_prepare = Prepare("departures.py", ["prepare", "--tmp", TOUT])
    departures_checker = Checker("departures.py", TOUT, check_in(TOUT), [
        *[case for place, feed, date in feeds for case in group([
            departures(f"departures-{place}", feed, "--date", date, "--window", "07:00-10:00"),
            departures(f"departures-{place}-day", feed, "--date", date, "--window", "00:00-48:00"),
        ], data=[feed])],
        departures("departures-chester-default-date", CHESTER, data=[CHESTER]),
        departures("departures-newport-bus-rail", BUS, "--gtfs", RAIL, "--date", "2024-03-05", data=[BUS, RAIL]),
        departures("departures-handmade", f"{TOUT}/handmade_gtfs.zip", "--date", "2024-03-05",
                   "--window", "07:00-10:00", prepare=handmade_prepare),
        *[case for place, feed, _ in feeds for case in hourly_week(place, feed, mondays[place], data=[feed])],
        by_hour("departures-newport-rail-hourly-sunday", RAIL, "--hourly", "--date", "2024-03-10", data=[RAIL]),
        *hourly_week("hand", HAND, "2024-03-04", fixtures=[HAND]),
        *hourly_week("handmade", f"{TOUT}/handmade_gtfs.zip", "2024-03-04", prepare=handmade_prepare),
    ], only="transit")

    # `reach score` against numpy/scipy (scoring.py, scoring_oracle.py: docs/scoring.md): the hand example (3 wards,
    # tools/crosscheck/studies/hand.*), then the three studies of tools/crosscheck/studies/ on a synthetic indicator
    # table of all 7,681 English wards of 2013 (make_ward_table.py writes it once into OUT/scoring/wards.csv; codes
    # in WD13CD). reach and the oracle write reach.csv and oracle.csv into the case folder.
    def score(name, study, table):
        args = ["--study", study, "--in", table, "--code-field", "WD13CD"]
        return Case(name, "score", args, [("--out", "reach.csv")],
                    oracle=Oracle("scoring_oracle.py", args, [("--out", "oracle.csv")]))

    scoring_checker = Checker("scoring.py", SOUT, check_in(SOUT), [
        score("scoring-hand", f"{STUDIES}/hand.toml", f"{STUDIES}/hand.csv"),
        *group([
            score("scoring-rank-exp-reweight", f"{STUDIES}/rank_exp_reweight.toml", f"{SOUT}/wards.csv"),
            score("scoring-zscore-linear-impute", f"{STUDIES}/zscore_linear_impute.toml", f"{SOUT}/wards.csv"),
            score("scoring-minmax-null", f"{STUDIES}/minmax_null.toml", f"{SOUT}/wards.csv"),
        ], data=[WARDS_BY_LAD], why="the synthetic table needs the ward codes",
            prepare=Prepare("make_ward_table.py", [f"{SOUT}/wards.csv", "--wards", WARDS_BY_LAD])),
    ], only="scoring")

    # `reach broadband` against pandas/geopandas in exact fractions (broadband.py: docs/broadband.md): the hand-made
    # case (broadband.py prepare writes OUT/broadband/handmade/), Trafford's 2023 wards with its postcode directory
    # and the real Ofcom 2016 M and WA files, the made-up output-area fixture on Trafford's 2017 wards, and a
    # national sample of tools/bench/make_postcodes.py (50,000 points, 2022 layout, written once into
    # OUT/broadband/national/) over all 7,681 wards of 2013. The checker runs its oracle on each case's `args`.
    def broadband(name, outfile, *args, **needs):
        return Case(name, "broadband", args, [("--unmatched-out", "unmatched.csv"), ("--out", outfile)], **needs)

    broadband_prepare = Prepare("broadband.py", ["prepare", "--data", D, "--tmp", BOUT])
    broadband_checker = Checker("broadband.py", BOUT, check_in(BOUT), [
        *group([
            broadband("broadband-handmade", "out.geojson", "--wards", f"{H}/zones.geojson", "--code-field", "code",
                      "--postcodes", f"{H}/onspd.csv", "--ofcom", f"{H}/cov.csv", "--ofcom", f"{H}/perf.csv"),
            broadband("broadband-speeds-only", "out.csv", "--wards", f"{H}/zones.geojson", "--code-field", "code",
                      "--postcodes", f"{H}/onspd.csv", "--ofcom", f"{H}/perf.csv"),
        ], prepare=broadband_prepare),
        # The directory's coordinates are lon/lat: named, as docs/broadband.md lists only lat/long and
        # latitude/longitude for detection.
        broadband("broadband-trafford-2016", "out.geojson", "--wards", f"{T}/wards_2023.geojson",
                  "--code-field", "area_code", "--postcodes", f"{T}/postcodes.csv", "--x-field", "lon",
                  "--y-field", "lat", "--postcodes-crs", "EPSG:4326",
                  "--ofcom", f"{OF}/2016_fixed_pc_r01_M.csv", "--ofcom", f"{OF}/2016_fixed_pc_r01_WA.csv",
                  data=[f"{T}/wards_2023.geojson", f"{T}/postcodes.csv", f"{OF}/2016_fixed_pc_r01_M.csv",
                        f"{OF}/2016_fixed_pc_r01_WA.csv"]),
        broadband("broadband-oa-fixture", "out.csv", "--wards", TRAFFORD_WARDS, "--code-field", "area_code",
                  "--output-areas", TRAFFORD_OA, "--ofcom", f"{FB}/trafford_oa21_coverage.csv",
                  "--ofcom", f"{FB}/trafford_oa21_performance.csv",
                  fixtures=[f"{FB}/trafford_oa21_coverage.csv", f"{FB}/trafford_oa21_performance.csv",
                            TRAFFORD_WARDS, TRAFFORD_OA]),
        broadband("broadband-national", "out.csv", "--wards", WARDS_BY_LAD, "--code-field", "WD13CD",
                  "--postcodes", f"{N}/onspd.csv", "--ofcom", f"{N}/coverage.csv", "--ofcom", f"{N}/performance.csv",
                  data=[WARDS_BY_LAD], prepare=broadband_prepare,
                  made=([f"{N}/onspd.csv"], f"broadband.py prepare wrote no {N}/onspd.csv (see its output above)")),
    ], only="broadband")

    # `reach pt` against a time-expanded brute force (raptor.py: docs/raptor.md "Correctness"): pt-fixtures is the
    # oracle's self-test on the 42 hand-worked queries of fixtures/raptor (no reach run; a failure fails the run, a
    # pass is not counted as a reach check); pt-newport runs reach on the Newport bus and rail feeds of 2024-03-05,
    # 07:00-10:00, the Newport extract's walk graph, gp/supermarket/pharmacy from its own tags and 50 seeded origins
    # (raptor.py prepare) and compares every origin x category x departure minute, the percentiles and the ward
    # figures; pt-newport-arrive runs `reach pt --arrive-by --window 08:30-09:00` on the same inputs (30 deadlines) and
    # compares every origin x category x deadline against the oracle's backward search, the percentiles and the ward
    # figures (its self-checks: the fixtures/raptor arrive-by case worked by hand, in pt-fixtures, and every latest
    # departure against the forward search, to the second). A reach whose `pt --help` does not answer is a failure of
    # pt-newport, not a skip.
    pt_prepare = Prepare("raptor.py", ["prepare", "--data", D, "--tmp", POUT])  # one step for both reach runs
    pt_checker = Checker("raptor.py", POUT, check_in(POUT), [
        Case("pt-fixtures"),
        Case("pt-newport", "pt", [
            "--wards", NEW_WARDS, "--services", f"{POUT}/pt_services.csv", "--category-field", "category",
            "--x-field", "easting", "--y-field", "northing", "--services-crs", "EPSG:27700",
            "--origins", f"{POUT}/pt_origins.csv", "--origins-crs", "EPSG:27700", "--osm", NEW_PBF,
            "--gtfs", BUS, "--gtfs", RAIL, "--date", "2024-03-05", "--window", "07:00-10:00",
            "--max-walk", "15", "--max-transfer-walk", "5", "--max-trip", "120", "--minutes", "15,30,45,60",
        ], [("--out", "wards.geojson"), ("--origins-out", "origins.csv"), ("--minutes-out", "minutes.csv")],
            probe=pt_answers, data=[NEW_PBF, NEW_WARDS, BUS, RAIL],
            prepare=pt_prepare),
        Case("pt-newport-arrive", "pt", [
            "--wards", NEW_WARDS, "--services", f"{POUT}/pt_services.csv", "--category-field", "category",
            "--x-field", "easting", "--y-field", "northing", "--services-crs", "EPSG:27700",
            "--origins", f"{POUT}/pt_origins.csv", "--origins-crs", "EPSG:27700", "--osm", NEW_PBF,
            "--gtfs", BUS, "--gtfs", RAIL, "--date", "2024-03-05", "--arrive-by", "--window", "08:30-09:00",
            "--max-walk", "15", "--max-transfer-walk", "5", "--max-trip", "120", "--minutes", "15,30,45,60",
        ], [("--out", "wards.geojson"), ("--origins-out", "origins.csv"), ("--minutes-out", "minutes.csv")],
            probe=pt_answers, data=[NEW_PBF, NEW_WARDS, BUS, RAIL],
            prepare=pt_prepare),
    ], only="pt")

    # Scenarios (scenarios.py: docs/scenarios.md) against the checkers' own oracles on feeds edited with pandas: one
    # `reach run` of a study (written by scenarios.py prepare, with raptor.py's seeded origins given seeded weights
    # and a hospital category) on the Newport wards, bus and rail feeds of 2024-03-05, with [coverage] gtfs and
    # [public_transport] and four scenarios: cut_151 (remove_routes), half_27 (frequency, factor 0.5), new_cross
    # (add_route over six existing stops) and feed_2023 (feed + date: the 2023-06-13 station-area feed). Every
    # {col}__{name}, _change and gain/loss column against coverage.py/gtfs-kit and raptor.py's brute force on the
    # oracle's pandas edit; every scenario_*.zip read by gtfs-kit, validated, and compared trip by trip with it.
    scenarios_checker = Checker("scenarios.py", SCOUT, check_in(SCOUT), [
        Case("scenarios-newport", "run", [f"{SCOUT}/study.toml"], [],
             data=[NEW_PBF, NEW_WARDS, BUS, RAIL, STATION],
             prepare=Prepare("scenarios.py", ["prepare", "--data", D, "--tmp", SCOUT],
                             remove=[f"{SCOUT}/study.toml"]),
             made=([f"{SCOUT}/study.toml"], "scenarios.py prepare wrote no study.toml (see its output above)")),
    ], only="scenarios")

    # [equity] and [left_behind] (equity.py: docs/equity.md) against numpy/pandas/geopandas and PySAL's inequality:
    # equity-hand is the oracle's self-test on a hand-worked example (no reach run; not counted); equity-trafford
    # runs `reach run --progress json` on the bundled Trafford study (copied by equity.py prepare with absolute
    # paths and its output in the case folder) and recomputes every figure of equity.csv, the per-origin values of
    # wards.gpkg's origins layer, wards.csv's area_km2, origins_count/_weight, equity_class and left_behind
    # columns from its connectivity ranks, and the json summary's equity and left_behind.
    trafford_study = f"{F}/study.toml"
    equity_checker = Checker("equity.py", EOUT, check_in(EOUT), [
        Case("equity-hand"),
        Case("equity-trafford", "run", [f"{EOUT}/study.toml", "--progress", "json"], [],
             fixtures=[trafford_study, TRAFFORD_WARDS, TRAFFORD_OA, *SERVICES, BUS_STOPS, RAIL_STATIONS, METRO_STOPS,
                       f"{F}/ward_2017_imd2019.csv", f"{F}/postcodes.csv", f"{FB}/ofcom_2016_trafford.csv"],
             prepare=Prepare("equity.py", ["prepare", "--tmp", EOUT], remove=[f"{EOUT}/study.toml"]),
             made=([f"{EOUT}/study.toml"], "equity.py prepare wrote no study.toml (see its output above)")),
    ], only="equity")

    # [service_profile] (service_profile.py: docs/transit.md "Service through the day and the week") against
    # gtfs-kit/pandas/numpy/scipy/geopandas: service-profile-hand is the oracle's self-test on the bundled
    # fixtures/gtfs/hand with its stops on a line (HourlyServiceTests.swift's numbers; no reach run; not counted);
    # service-profile-newport runs `reach run` on a copy of fixtures/newport/service_profile.toml (service_profile.py
    # prepare: absolute paths, the shared data under REACH_DATA, output in the case folder) and compares every row
    # of service_profile.csv and every [service_profile] column of wards.csv.
    SPOUT = f"{out}/service_profile"
    sp_study, sp_origins = "fixtures/newport/service_profile.toml", "fixtures/newport/grid_250m_origins.csv"
    sp_hand = [f"fixtures/gtfs/hand/{t}.txt" for t in ("agency", "calendar", "calendar_dates", "frequencies",
                                                        "routes", "stop_times", "stops", "trips")]
    service_profile_checker = Checker("service_profile.py", SPOUT, check_in(SPOUT), [
        Case("service-profile-hand", fixtures=sp_hand),
        Case("service-profile-newport", "run", [f"{SPOUT}/study.toml"], [],
             fixtures=[sp_study, sp_origins], data=[NEW_WARDS, BUS, RAIL],
             prepare=Prepare("service_profile.py", ["prepare", "--data", D, "--tmp", SPOUT],
                             remove=[f"{SPOUT}/study.toml"]),
             made=([f"{SPOUT}/study.toml"], "service_profile.py prepare wrote no study.toml (see its output above)")),
    ], only="service_profile")

    # Floating catchments and supply-weighted opportunities (catchment.py: docs/access.md) against PySAL's access fed
    # the same cost matrix: catchment-hand is the oracle's self-test (FloatingCatchmentTests' hand case; no reach run);
    # catchment-trafford is straight line on Trafford's practices with a made-up list_size (catchment.py prepare),
    # catchment-rutland-walk walks Rutland's output areas to the services distance.py prepare reads from the extract
    # (its cost matrix by roadnet.py's networkx Dijkstra).
    COUT = f"{out}/catchment"
    fca_outs = [("--out", "wards.geojson"), ("--origins-out", "origins.csv"), ("--fca-out", "fca.csv")]
    catchment_checker = Checker("catchment.py", COUT, check_in(COUT), [
        Case("catchment-hand"),
        Case("catchment-trafford", "distance", ["--wards", TRAFFORD_WARDS, "--services", f"{COUT}/gp_list_size.geojson",
                                                "--supply-field", "list_size", "--origins", TRAFFORD_OA,
                                                "--weight-field", "population", "--metres", "800,2000",
                                                "--fca", "2sfca,e2sfca,bfca", "--opportunities"], fca_outs,
             fixtures=[TRAFFORD_WARDS, TRAFFORD_OA, GP],
             prepare=Prepare("catchment.py", ["prepare", "--data", D, "--tmp", COUT], remove=[f"{COUT}/gp_list_size.geojson"]),
             made=([f"{COUT}/gp_list_size.geojson"], "catchment.py prepare wrote no gp_list_size.geojson")),
        Case("catchment-rutland-walk", "distance", ["--wards", RUT_WARDS, "--services", f"{DOUT}/rutland_services.csv",
                                                    "--category-field", "category", "--origins", RUT_OA, "--osm", RUT_PBF,
                                                    "--modes", "walk", "--minutes", "15,30", "--fca", "2sfca,e2sfca,bfca"],
             fca_outs, data=[RUT_PBF, RUT_WARDS, RUT_OA], prepare=distance_prepare,
             made=([f"{DOUT}/rutland_services.csv"], "distance.py prepare wrote no rutland_services.csv")),
        Case("road-distance-rutland", "distance", ["--wards", RUT_WARDS, "--services", f"{DOUT}/rutland_services.csv",
                                                   "--category-field", "category", "--origins", RUT_OA, "--osm", RUT_PBF,
                                                   "--modes", "walk,car", "--minutes", "15,30", "--road-distance"],
             fca_outs[:2], data=[RUT_PBF, RUT_WARDS, RUT_OA], prepare=distance_prepare,
             made=([f"{DOUT}/rutland_services.csv"], "distance.py prepare wrote no rutland_services.csv")),
        Case("nth-nearest-rutland", "distance", ["--wards", RUT_WARDS, "--services", f"{DOUT}/rutland_services.csv",
                                                 "--category-field", "category", "--origins", RUT_OA, "--osm", RUT_PBF,
                                                 "--modes", "straight,walk", "--minutes", "15,30", "--nth-nearest", "2,3"],
             fca_outs[:2], data=[RUT_PBF, RUT_WARDS, RUT_OA], prepare=distance_prepare,
             made=([f"{DOUT}/rutland_services.csv"], "distance.py prepare wrote no rutland_services.csv")),
        Case("connectivity-rutland", "distance", ["--wards", RUT_WARDS, "--services", f"{DOUT}/rutland_services.csv",
                                                  "--category-field", "category", "--origins", RUT_OA, "--osm", RUT_PBF,
                                                  "--modes", "walk,car", "--minutes", "15,30", "--opportunities", "--gravity-beta", "0.1",
                                                  "--connectivity", "--connectivity-decay", "car=exponential:0.08",
                                                  "--connectivity-decay", "gp:walk=table:0/1:10/0.6:30/0.1",
                                                  "--connectivity-weight", "gp=2", "--connectivity-returns", "0.5",
                                                  "--connectivity-returns", "school=1"],
             fca_outs[:2], data=[RUT_PBF, RUT_WARDS, RUT_OA], prepare=distance_prepare,
             made=([f"{DOUT}/rutland_services.csv"], "distance.py prepare wrote no rutland_services.csv")),
    ], only="catchment")

    return [wards_checker, distance_checker, coverage_checker, departures_checker, scoring_checker,
            broadband_checker, pt_checker, scenarios_checker, equity_checker, service_profile_checker, catchment_checker]
