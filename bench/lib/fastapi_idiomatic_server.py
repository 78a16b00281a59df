"""An idiomatic FastAPI + scikit-learn peer for the serve benches: the same service as pipe serve,
written the way a FastAPI + scikit-learn user would write it (bench/lib/fastapi_server.py is the
hand-lean peer: a plain dict body, preprocessing in a Python loop, no auth or metrics).

- The request body is a pydantic (v1, Debian's python3-pydantic 1.10) model generated from the
  feature schema (data/features/feature-schema.json) with pydantic.create_model: Literal[...] for
  enums, Field(ge=..., le=...) for minimum/maximum, Optional for non-required or nullable fields,
  extra = 'forbid'; a bad row gets FastAPI's 422 naming the field.
- The model is a scikit-learn Pipeline(ColumnTransformer(...), LogisticRegression) fitted on the
  RAW training rows (data/validated/customers.csv, the rows whose customer_id is in the featurize
  stage's split data/features/train.csv). The columns, their kinds and the log1p transforms come
  from data/features/preprocessing.json; the steps mirror it: SimpleImputer (median for numbers,
  most frequent for categories, as pipe's featurize stage fits them), FunctionTransformer(np.log1p),
  StandardScaler, OneHotEncoder(handle_unknown='ignore'). No pandas (Debian's python3-pandas is not
  installed): the ColumnTransformer takes integer column indices on a numpy object array.
- A bearer API-key dependency: the key is $PIPE_BENCH_API_KEY (default bench-key-1, the key the
  serve benches send); 401 without a valid key.
- Prometheus metrics (python3-prometheus-client): a request counter by method/route/status and a
  request-duration histogram by route, recorded by an HTTP middleware; GET /metrics.
- Plain `def` endpoints (FastAPI runs them in its threadpool), one uvicorn worker, log_level warning.

Serves POST /predict (one raw row as JSON -> {probability, label}) and POST /predict/batch (a JSON
array -> {"results": [...]}). Binds 127.0.0.1 port 0 and prints {"port": N} on stdout once the
socket is bound. Usage: /usr/bin/python3 fastapi_idiomatic_server.py REPO
"""
import csv
import json
import os
import secrets
import socket
import sys
import time
from typing import List, Literal, Optional

import numpy as np
import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field, create_model
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

repo = sys.argv[1]
schema = json.load(open(f"{repo}/data/features/feature-schema.json"))
spec = json.load(open(f"{repo}/data/features/preprocessing.json"))

# --- The request model, generated from the feature schema ----------------------------------------


class RowConfig:
    extra = "forbid"


def field_type(prop):
    """The Python type of one JSON Schema property (and whether it allows null)."""
    if "enum" in prop:
        values = [v for v in prop["enum"] if v is not None]
        return Literal[tuple(values)], None in prop["enum"]
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    py = {"integer": int, "number": float, "string": str, "boolean": bool}
    return py[next(t for t in types if t != "null")], "null" in types


fields = {}
for name, prop in schema["properties"].items():
    typ, nullable = field_type(prop)
    required = name in schema.get("required", [])
    if nullable or not required:
        typ = Optional[typ]
    bounds = {}
    if "minimum" in prop:
        bounds["ge"] = prop["minimum"]
    if "maximum" in prop:
        bounds["le"] = prop["maximum"]
    fields[name] = (typ, Field(... if required else None, description=prop.get("description"), **bounds))

CustomerRow = create_model("CustomerRow", __config__=RowConfig, **fields)


class Prediction(BaseModel):
    probability: float
    label: int


class BatchPrediction(BaseModel):
    index: int
    probability: float
    label: int


class BatchResponse(BaseModel):
    results: List[BatchPrediction]


# --- The scikit-learn pipeline, fitted on the raw training rows ----------------------------------

columns = [step["name"] for step in spec["steps"]]
numeric = [i for i, s in enumerate(spec["steps"]) if s["kind"] == "numeric" and s["transform"] == "none"]
logged = [i for i, s in enumerate(spec["steps"]) if s["kind"] == "numeric" and s["transform"] == "log1p"]
categorical = [i for i, s in enumerate(spec["steps"]) if s["kind"] == "category"]
unknown = [s["transform"] for s in spec["steps"] if s["kind"] == "numeric" and s["transform"] not in ("none", "log1p")]
if unknown:
    sys.exit(f"fastapi_idiomatic_server.py: unsupported transform(s) {unknown}")
is_numeric = [s["kind"] == "numeric" for s in spec["steps"]]

with open(f"{repo}/data/features/train.csv") as f:
    reader = csv.reader(f)
    id_col = next(reader).index(spec["id"])
    train_ids = {r[id_col] for r in reader}
x_rows, y = [], []
with open(f"{repo}/data/validated/customers.csv") as f:
    for r in csv.DictReader(f):
        if r[spec["id"]] not in train_ids:
            continue
        x_rows.append([np.nan if r[c] == "" else float(r[c]) if num else r[c] for c, num in zip(columns, is_numeric)])
        y.append(r[spec["label"]["name"]] == spec["label"]["positive"])
x = np.array(x_rows, dtype=object)

model = Pipeline([
    ("preprocess", ColumnTransformer([
        ("numeric", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numeric),
        ("log1p", Pipeline([
            ("impute", SimpleImputer(strategy="median")),
            ("log1p", FunctionTransformer(np.log1p)),
            ("scale", StandardScaler()),
        ]), logged),
        ("category", Pipeline([
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]), categorical),
    ])),
    ("classifier", LogisticRegression(max_iter=500)),
]).fit(x, np.array(y))


def to_matrix(rows):
    """Validated rows -> the object array the pipeline takes (None -> NaN, imputed by the pipeline)."""
    out = []
    for row in rows:
        d = row.dict()
        out.append([np.nan if d[c] is None else d[c] for c in columns])
    return np.array(out, dtype=object)


# --- Auth and metrics -----------------------------------------------------------------------------

API_KEY = os.environ.get("PIPE_BENCH_API_KEY", "bench-key-1")
bearer = HTTPBearer(auto_error=False)


def require_api_key(credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), API_KEY.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or missing API key", headers={"WWW-Authenticate": "Bearer"})


REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request duration", ["method", "route"])

app = FastAPI(title="churn model")


@app.middleware("http")
async def prometheus_middleware(request: Request, call_next):
    start = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = route.path if route is not None else "other"
    LATENCY.labels(request.method, path).observe(time.perf_counter() - start)
    REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    return response


@app.get("/metrics")
def metrics():
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


# --- Routes ---------------------------------------------------------------------------------------


@app.post("/predict", response_model=Prediction, dependencies=[Depends(require_api_key)])
def predict(row: CustomerRow):
    p = float(model.predict_proba(to_matrix([row]))[0, 1])
    return Prediction(probability=p, label=int(p >= 0.5))


@app.post("/predict/batch", response_model=BatchResponse, dependencies=[Depends(require_api_key)])
def predict_batch(rows: List[CustomerRow]):
    if not rows:
        return BatchResponse(results=[])
    ps = model.predict_proba(to_matrix(rows))[:, 1]
    return BatchResponse(results=[BatchPrediction(index=i, probability=float(p), label=int(p >= 0.5)) for i, p in enumerate(ps)])


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning", workers=1)).run(sockets=[sock])
