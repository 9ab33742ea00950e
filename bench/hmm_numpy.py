"""NumPy/SciPy baseline for HmmBench: the E-step of a full-covariance Gaussian HMM in log space.

Same algorithm as hmmlearn's implementation="log" (densities by Cholesky, forward/backward with logsumexp,
xi sums, posteriors, sufficient statistics), vectorised over sequences of equal length and over states; the
time loop is in Python, as any NumPy forward-backward must be. Usage:
    python3 bench/hmm_numpy.py X.npy lengths.npy params.npz REPEATS
Prints one line per repeat: "estep_seconds <t> loglik <ll>".
"""
import sys
import time

import numpy as np

try:
    from scipy.linalg import cholesky, solve_triangular
    from scipy.special import logsumexp
    SCIPY = True
except ImportError:  # pure NumPy fallback
    SCIPY = False

    def logsumexp(a, axis=None):
        m = np.max(a, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
        return np.squeeze(out, axis=axis)


def log_density(X, means, covars):
    n, d = X.shape
    out = np.empty((n, len(means)))
    for k, (mu, cv) in enumerate(zip(means, covars)):
        if SCIPY:
            L = cholesky(cv, lower=True)
            sol = solve_triangular(L, (X - mu).T, lower=True).T
        else:
            L = np.linalg.cholesky(cv)
            sol = np.linalg.solve(L, (X - mu).T).T
        logdet = 2 * np.sum(np.log(np.diag(L)))
        out[:, k] = -0.5 * (np.sum(sol ** 2, axis=1) + d * np.log(2 * np.pi) + logdet)
    return out


def estep(X, S, T, start, trans, means, covars):
    K = len(start)
    d = X.shape[1]
    logB = log_density(X, means, covars).reshape(S, T, K)
    logA = np.log(trans)
    alpha = np.empty((S, T, K))
    beta = np.empty((S, T, K))
    alpha[:, 0] = np.log(start) + logB[:, 0]
    for t in range(1, T):
        alpha[:, t] = logsumexp(alpha[:, t - 1, :, None] + logA[None], axis=1) + logB[:, t]
    beta[:, T - 1] = 0
    for t in range(T - 2, -1, -1):
        beta[:, t] = logsumexp(logA[None] + (logB[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
    loglik = logsumexp(alpha[:, T - 1], axis=1)
    lg = alpha + beta
    gamma = np.exp(lg - logsumexp(lg, axis=2)[:, :, None])
    lx = (alpha[:, :-1, :, None] + logA[None, None] + (logB[:, 1:] + beta[:, 1:])[:, :, None, :]
          - loglik[:, None, None, None])
    xi = np.exp(lx).sum(axis=(0, 1))
    g = gamma.reshape(S * T, K)
    post = g.sum(0)
    obs = g.T @ X
    obsobs = np.einsum('ij,ik,il->jkl', g, X, X, optimize=True)
    return loglik.sum(), gamma[:, 0].sum(0), xi, post, obs, obsobs


def main():
    X = np.load(sys.argv[1])
    lengths = np.load(sys.argv[2])
    p = np.load(sys.argv[3])
    reps = int(sys.argv[4])
    assert np.all(lengths == lengths[0]), "baseline vectorises over equal-length sequences"
    S, T = len(lengths), int(lengths[0])
    for _ in range(reps):
        t0 = time.perf_counter()
        ll = estep(X, S, T, p['startprob'], p['transmat'], p['means'], p['covars'])[0]
        print(f"estep_seconds {time.perf_counter() - t0!r} loglik {float(ll)!r}", flush=True)


if __name__ == '__main__':
    main()
