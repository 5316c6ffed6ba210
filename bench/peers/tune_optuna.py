"""Peer for bench/tune.ts: Optuna's TPESampler and CmaEsSampler (defaults) on Branin and Hartmann6.

    /usr/bin/python3 bench/peers/tune_optuna.py --seeds 10 --trials 50,100

Prints one JSON document: for each problem and sampler, the best value after each trial count per
seed, and the mean wall time per trial of study.optimize (ms). When optuna cannot be imported it
prints {"skipped": "<why>"} and exits 0.
"""
import argparse
import json
import math
import sys
import time

try:
    import optuna
except Exception as exc:  # noqa: BLE001 - any import failure means "no peer"
    print(json.dumps({"skipped": f"optuna not importable: {exc}"}))
    sys.exit(0)

optuna.logging.set_verbosity(optuna.logging.ERROR)

A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    x = [trial.suggest_float(f"x{j}", 0, 1) for j in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", default="50,100")
    args = parser.parse_args()
    checkpoints = sorted(int(t) for t in args.trials.split(","))
    samplers = {
        "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
        "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed),
    }
    out = {"optuna": optuna.__version__, "results": {}}
    for problem, objective in (("branin", branin), ("hartmann6", hartmann6)):
        out["results"][problem] = {}
        for name, make in samplers.items():
            bests = []
            seconds = 0.0
            for seed in range(args.seeds):
                study = optuna.create_study(sampler=make(seed))
                start = time.perf_counter()
                study.optimize(objective, n_trials=checkpoints[-1])
                seconds += time.perf_counter() - start
                values = [t.value for t in study.trials]
                bests.append([min(values[:k]) for k in checkpoints])
            out["results"][problem][name] = {
                "best": bests,
                "msPerTrial": 1000 * seconds / (args.seeds * checkpoints[-1]),
            }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
