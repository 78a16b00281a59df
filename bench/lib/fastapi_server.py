"""The peer for bench/serve.mjs: FastAPI + scikit-learn serving the same features as pipe serve.

Fits a LogisticRegression on the example's preprocessed training split (data/features/train.csv),
then serves POST /predict (one raw row as JSON) and POST /predict/batch (a JSON array) with the
same preprocessing (data/features/preprocessing.json) reimplemented in Python. Prints
{"port": N} on stdout once uvicorn listens on 127.0.0.1. Usage: python3 fastapi_server.py REPO
"""
import csv, json, math, socket, sys

import numpy as np
import uvicorn
from fastapi import Body, FastAPI, HTTPException
from sklearn.linear_model import LogisticRegression

repo = sys.argv[1]
spec = json.load(open(f"{repo}/data/features/preprocessing.json"))
with open(f"{repo}/data/features/train.csv") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)
feature_cols = [header.index(name) for name in spec["features"]]
label_col = header.index(spec["label"]["name"])
x = np.array([[float(r[i]) for i in feature_cols] for r in rows], dtype=np.float32)
y = np.array([r[label_col] == spec["label"]["positive"] for r in rows])
model = LogisticRegression(max_iter=500).fit(x, y)


def features(row):
    out = []
    for step in spec["steps"]:
        v = row.get(step["name"])
        if step["kind"] == "numeric":
            if v is None or v == "":
                v = step["impute"]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                raise HTTPException(422, f"{step['name']}: expected a finite number")
            if step["transform"] == "log1p":
                v = math.log1p(max(0.0, v))
            out.append((v - step["mean"]) / step["std"])
        else:
            v = step["impute"] if v is None or v == "" else str(v)
            out.extend(1.0 if c == v else 0.0 for c in step["categories"])
    return out


app = FastAPI()


@app.post("/predict")
def predict(row: dict = Body(...)):
    p = float(model.predict_proba(np.array([features(row)], dtype=np.float32))[0, 1])
    return {"probability": p, "label": int(p >= 0.5)}


@app.post("/predict/batch")
def predict_batch(rows: list = Body(...)):
    ps = model.predict_proba(np.array([features(r) for r in rows], dtype=np.float32))[:, 1]
    return {"results": [{"index": i, "probability": float(p), "label": int(p >= 0.5)} for i, p in enumerate(ps)]}


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
