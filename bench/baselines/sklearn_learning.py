"""scikit-learn baselines for bench/learning.bench.ts (run with /usr/bin/python3, Debian python3-sklearn).

usage: sklearn_learning.py tree DIR   -> fits DecisionTreeRegressor on DIR/{X_train,y_train,X_test,y_test}.f64
       sklearn_learning.py kmeans DIR -> fits KMeans (k-means++, n_init=1) on DIR/X_kmeans.f64
DIR/meta.json gives the shapes and options. Prints one JSON object: fit seconds and R² (or inertia).
       sklearn_learning.py csv-tree FILE.csv TARGET MAX_DEPTH MIN_LEAF -> what `payreform cart` does:
           pandas.read_csv, then DecisionTreeRegressor on every other column (the caller times the
           whole process: start, read, fit); prints read and fit seconds and the leaf count.
"""
import json
import sys
import time

import numpy as np


def load(directory, name, rows, cols):
    data = np.fromfile(f"{directory}/{name}.f64", dtype="<f8")
    return data.reshape((rows, cols)) if cols > 1 else data


def main():
    mode, directory = sys.argv[1], sys.argv[2]
    if mode == "csv-tree":
        import pandas as pd
        from sklearn.tree import DecisionTreeRegressor

        target, max_depth, min_leaf = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        started = time.perf_counter()
        frame = pd.read_csv(directory)
        read = time.perf_counter() - started
        y = frame[target].to_numpy()
        x = frame.drop(columns=[target]).to_numpy()
        model = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_leaf, random_state=0)
        started = time.perf_counter()
        model.fit(x, y)
        print(json.dumps({"read": read, "fit": time.perf_counter() - started, "leaves": int(model.get_n_leaves()), "rows": len(frame)}))
        return
    with open(f"{directory}/meta.json") as f:
        meta = json.load(f)
    if mode == "tree":
        from sklearn.tree import DecisionTreeRegressor

        f = meta["features"]
        x_train = load(directory, "X_train", meta["train"], f)
        y_train = load(directory, "y_train", meta["train"], 1)
        x_test = load(directory, "X_test", meta["test"], f)
        y_test = load(directory, "y_test", meta["test"], 1)
        model = DecisionTreeRegressor(max_depth=meta["maxDepth"], min_samples_leaf=meta["minSamplesLeaf"], random_state=0)
        started = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - started
        print(json.dumps({
            "seconds": seconds,
            "r2Train": model.score(x_train, y_train),
            "r2Test": model.score(x_test, y_test),
            "leaves": int(model.get_n_leaves()),
        }))
    elif mode == "kmeans":
        from sklearn.cluster import KMeans

        x = load(directory, "X_kmeans", meta["rows"], meta["features"])
        model = KMeans(n_clusters=meta["k"], n_init=1, init="k-means++", random_state=0, algorithm="lloyd")
        started = time.perf_counter()
        model.fit(x)
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "inertia": float(model.inertia_), "iterations": int(model.n_iter_)}))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
