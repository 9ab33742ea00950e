"""NumPy reference solver of the same discrete-time DMFT as org.trainingdynamics.dln.DmftSolver (dmft.md §3).

Written the way the research note's scratch solver was: per time step, the response memory sum is a
tensordot of the memory-kernel row with the whole stored history (a BLAS GEMV, memory bound), bundled over
samples. Same discretisation, same stratified teacher, same damped iteration; no moment matching.

usage: python3 dmft_numpy.py K N iterations [h alpha s0 rho bundle seed]
prints one line per iteration "iter <i> seconds <wall> cpu <process cpu>" and at the end "E_te <values at 5 times>" and
"E_tr <values>".
"""
import sys
import time

import numpy as np


def main():
    K = int(sys.argv[1])
    N = int(sys.argv[2])
    iters = int(sys.argv[3])
    h = float(sys.argv[4]) if len(sys.argv) > 4 else 0.05
    alpha = float(sys.argv[5]) if len(sys.argv) > 5 else 0.5
    s0 = float(sys.argv[6]) if len(sys.argv) > 6 else 0.1
    rho = float(sys.argv[7]) if len(sys.argv) > 7 else 0.1
    bundle = int(sys.argv[8]) if len(sys.argv) > 8 else 500
    seed = int(sys.argv[9]) if len(sys.argv) > 9 else 1
    sigma = 0.0
    gamma = 2 * s0 * s0
    rng = np.random.default_rng(seed)
    nz = int(round(rho * N))
    bstar = np.zeros(N)
    bstar[: nz // 2] = 1.0
    bstar[nz // 2: nz] = -1.0
    C = rho * np.ones((K, K))
    R = np.zeros((K, K))
    eye = np.eye(K)
    for it in range(iters):
        t0 = time.perf_counter()
        c0 = time.process_time()
        Gi = np.linalg.solve(eye + R, eye)
        M = eye - Gi
        Cr = Gi @ (sigma ** 2 + C) @ Gi.T
        w, V = np.linalg.eigh(alpha * 0.5 * (Cr + Cr.T))
        L = V * np.sqrt(np.clip(w, 0, None))
        zeta = L @ rng.standard_normal((K, N))
        b = rng.permutation(bstar)
        A = np.zeros(N)
        D = np.zeros((K, N))
        BP = np.zeros((K, N))
        for k in range(K):
            D[k] = gamma * np.sinh(4 * A) - b
            BP[k] = 4 * gamma * np.cosh(4 * A)
            if k < K - 1:
                A = A + h * (zeta[k] - alpha * D[k] + alpha * (M[k, :k] @ D[:k]))
        Cnew = D @ D.T / N
        Rnew = np.zeros((K, K))
        for b0 in range(0, N, bundle):
            bp = BP[:, b0: b0 + bundle]
            m = bp.shape[1]
            P = np.zeros((m, K))
            Bh = np.zeros((K, m, K))
            for k in range(K):
                Bh[k] = bp[k][:, None] * P
                Rnew[k] += Bh[k].sum(axis=0)
                if k < K - 1:
                    Q = np.tensordot(M[k, :k], Bh[:k], axes=1) if k > 0 else 0.0
                    P = P + h * (-alpha * bp[k][:, None] * P + alpha * Q)
                    P[:, k] += h
        Rnew /= N
        C = 0.5 * C + 0.5 * Cnew
        R = 0.5 * R + 0.5 * Rnew
        print("iter %d seconds %.3f cpu %.3f" % (it + 1, time.perf_counter() - t0, time.process_time() - c0),
              flush=True)
    Gi = np.linalg.solve(eye + R, eye)
    Cr = Gi @ (sigma ** 2 + C) @ Gi.T
    idx = [int(round(q * (K - 1))) for q in (0, 0.25, 0.5, 0.75, 1.0)]
    print("E_te " + " ".join("%.6g" % C[i, i] for i in idx))
    print("E_tr " + " ".join("%.6g" % Cr[i, i] for i in idx))


if __name__ == "__main__":
    main()
