"""Reading the inputs the checkers and benches hand to reach: zone layers, GeoJSON, points.

One zone reader, `read_zones`, replaces the six `read_wards` the scripts had. What differed between them is now an
option, named where it is used:

  engine      "json" (Python's json module, then geopandas.GeoDataFrame.from_features; CRS84 unless a legacy
              `crs` member names EPSG:27700; .gz files too) or "pyogrio" (geopandas.read_file with GDAL, each
              file's CRS as GDAL reads it: the peers' way, and the wards oracle's independent reader);
  crs         the CRS the geometries are returned in ("EPSG:27700", the default), or None to keep them as read;
  repair      None (geometries as read), "make_valid" (GEOS make-valid of each geometry invalid in `crs`; the
              result can be a GeometryCollection) or "polygonal" (the same, keeping only the polygonal part when
              make-valid returns anything but a Polygon or MultiPolygon);
  code_field  a property name, a tuple of candidates (the first the layer has), or None for the first of
              ZONE_FIELDS the layer has; `name_field` likewise (None: the name that goes with the code found);
  where       {property: value}: keep the zones whose property has that value (a layer without the property is
              kept whole);
  suffixes    the file names a folder contributes (sorted by name);
  geometry    False to read the properties only (engine "json"); keep_features keeps the raw JSON features.

Validity is judged after reprojection, in `crs`, as every former reader did. Nothing is cached: a timed peer that
reads through here does exactly the work its own reader did (the same calls in the same order).
"""

import gzip
import json
import os

import numpy as np
import shapely

WORKING_CRS = "EPSG:27700"
# (code, name) pairs in the order the checkers look for them: 2023 wards, 2013 wards, Trafford Data Lab, made up.
ZONE_FIELDS = (("WD23CD", "WD23NM"), ("WD13CD", "WD13NM"), ("area_code", "area_name"), ("code", "name"))
SUFFIXES = (".json", ".geojson")
REPAIRS = (None, "make_valid", "polygonal")
ENGINES = ("json", "pyogrio")
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(ROOT, "fixtures")


class InputError(ValueError):
    """An input the oracle cannot read (reach must refuse it too)."""


def fixture(*parts):
    """Path of a bundled input under fixtures/ (relative to the repo root when the cwd is the root, as run.sh's)."""
    path = os.path.join(FIXTURES, *parts)
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else path


def zone_files(paths, suffixes=SUFFIXES):
    """The files of paths in reading order: a folder gives its files ending in one of suffixes, sorted by name; a
    file is taken as it is."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(tuple(suffixes))]
        else:
            files.append(p)
    return files


def load_json(path):
    """A (possibly gzip-compressed) JSON document."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        return json.load(fh)


def legacy_crs(doc):
    """CRS of a GeoJSON document: EPSG:27700 when its legacy `crs` member names 27700, else EPSG:4326 (CRS84)."""
    name = (doc.get("crs") or {}).get("properties", {}).get("name", "")
    return WORKING_CRS if "27700" in name else "EPSG:4326"


def read_geojson(path, crs=WORKING_CRS):
    """GeoDataFrame of a (possibly gzip-compressed) GeoJSON file, reprojected to crs (None: as read)."""
    import geopandas as gpd

    doc = load_json(path)
    gdf = gpd.GeoDataFrame.from_features(doc["features"], crs="EPSG:4326")
    if legacy_crs(doc) == WORKING_CRS:
        gdf = gdf.set_crs(WORKING_CRS, allow_override=True)
    return gdf if crs is None else gdf.to_crs(crs)


def points_of(gdf):
    """(n, 2) coordinates: points as they are, any other geometry by GEOS point on surface."""
    geoms = gdf.geometry.values
    is_point = shapely.get_type_id(geoms) == 0
    pts = np.where(is_point, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)


def polygonal_part(g):
    """g when it is a Polygon or MultiPolygon, else the union of its polygonal parts (empty when it has none)."""
    if shapely.get_type_id(g) in (3, 6):
        return g
    return shapely.union_all([p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)])


def repair_geometries(geoms, how):
    """(geometries, invalid mask): how = None leaves them (mask all False, validity not computed), "make_valid"
    replaces each invalid one by GEOS make-valid, "polygonal" by the polygonal part of that."""
    if how not in REPAIRS:
        raise ValueError(f"repair={how!r}: expected one of {REPAIRS}")
    geoms = np.asarray(geoms, dtype=object)
    if how is None:
        return geoms, np.zeros(len(geoms), dtype=bool)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        fixed = shapely.make_valid(geoms[bad])
        if how == "polygonal":
            fixed = np.array([polygonal_part(g) for g in fixed], dtype=object)
        geoms = geoms.copy()
        geoms[bad] = fixed
    return geoms, bad


class Zones:
    """A zone layer as read: `frame` (a GeoDataFrame, or a DataFrame with geometry=False) in reading order with
    index 0..n-1, `files` read, `file_index` (which file each zone came from), `repaired` (mask of the geometries
    make-valid replaced), `code_field`/`name_field` (None when the layer has none), `features` (raw JSON features
    with keep_features). `codes`, `names` and `geoms` are computed when asked for."""

    def __init__(self, frame, files, file_index, repaired, code_field, name_field, features=None, asked=None):
        self.frame = frame
        self.files = files
        self.file_index = file_index
        self.repaired = repaired
        self.code_field = code_field
        self.name_field = name_field
        self.features = features
        self._asked = asked

    def __len__(self):
        return len(self.frame)

    @property
    def geoms(self):
        """The geometries as a numpy object array."""
        return np.asarray(self.frame.geometry.values, dtype=object)

    def require_code(self):
        """The code field; InputError naming the fields looked for when the layer has none."""
        if self.code_field is None:
            raise InputError(f"no zone code field {self._asked or [c for c, _ in ZONE_FIELDS]} among "
                             f"{[c for c in self.frame.columns if c != 'geometry']}")
        return self.code_field

    @property
    def codes(self):
        """The zone codes as strings; InputError when the layer has no code field."""
        return [str(c) for c in self.frame[self.require_code()]]

    @property
    def names(self):
        """The zone names as strings, or None when the layer has no name field."""
        return None if self.name_field is None else [str(c) for c in self.frame[self.name_field]]

    def stems(self):
        """Each zone's file name less its suffix (.json, .geojson, .gz): the district code of a wards_by_lad file."""
        stems = []
        for f in self.files:
            b = os.path.basename(f)
            b = b[:-3] if b.endswith(".gz") else b
            stems.append(os.path.splitext(b)[0] if b.endswith(SUFFIXES) else b)
        return [stems[i] for i in self.file_index]


def _fields(columns, code_field, name_field):
    """(code, name) the layer uses; None for what it lacks."""
    cols = set(columns)
    if code_field is None:
        code, pair = next(((c, n) for c, n in ZONE_FIELDS if c in cols), (None, None))
    elif isinstance(code_field, str):
        code, pair = (code_field if code_field in cols else None), None
    else:
        code, pair = next((c for c in code_field if c and c in cols), None), None
    if name_field is None:
        name = pair if pair in cols else None
    elif isinstance(name_field, str):
        name = name_field if name_field in cols else None
    else:
        name = next((c for c in name_field if c and c in cols), None)
    return code, name


def read_zones(paths, code_field=None, *, name_field=None, engine="json", crs=WORKING_CRS, repair="make_valid",
               where=None, suffixes=SUFFIXES, geometry=True, keep_features=False):
    """Zones of one or more files or folders; see the module docstring for the options."""
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r}: expected one of {ENGINES}")
    files = zone_files(paths, suffixes)
    if not files:
        raise InputError(f"no {'/'.join('*' + s for s in suffixes)} files in {paths}")
    import pandas as pd

    features = [] if keep_features else None
    counts = []
    if engine == "pyogrio":
        import geopandas as gpd

        if keep_features or not geometry:
            raise ValueError("engine='pyogrio' reads geometries and no raw features")
        frames = [gpd.read_file(f, engine="pyogrio") for f in files]
        counts = [len(f) for f in frames]
        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
        if crs is not None:
            frame = frame.to_crs(crs)
    elif not geometry:
        rows = []
        for f in files:
            feats = load_json(f)["features"]
            counts.append(len(feats))
            rows += [ft.get("properties") or {} for ft in feats]
            if keep_features:
                features += feats
        frame = pd.DataFrame(rows)
    else:
        import geopandas as gpd

        frames = []
        for f in files:
            doc = load_json(f)
            counts.append(len(doc["features"]))
            if keep_features:
                features += doc["features"]
            g = gpd.GeoDataFrame.from_features(doc["features"], crs="EPSG:4326")
            if legacy_crs(doc) == WORKING_CRS:
                g = g.set_crs(WORKING_CRS, allow_override=True)
            frames.append(g if crs is None else g.to_crs(crs))
        frame = frames[0] if len(frames) == 1 else \
            gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    file_index = np.repeat(np.arange(len(files)), counts)
    repaired = np.zeros(len(frame), dtype=bool)
    if geometry:
        geoms, repaired = repair_geometries(frame.geometry.values, repair)
        if repaired.any():
            frame.loc[repaired, "geometry"] = geoms[repaired]
    if where:
        keep = np.ones(len(frame), dtype=bool)
        for k, v in where.items():
            if k in frame.columns:
                keep &= (frame[k] == v).to_numpy()
        if not keep.all():
            frame = frame[keep]
            file_index, repaired = file_index[keep], repaired[keep]
            if features is not None:
                features = [f for f, k in zip(features, keep) if k]
    frame = frame.reset_index(drop=True)
    code, name = _fields(frame.columns, code_field, name_field)
    return Zones(frame, files, file_index, repaired, code, name, features, code_field)
