# Generates ties-*.npy: complete linkage and fcluster of scipy on a point set with many exactly tied
# distances (integer points, cityblock metric), for CompleteLinkageTest. Run with scipy installed:
#   python3 make_ties.py   (scipy 1.17.1, numpy 2.4 produced the checked-in files)
import numpy as np
import scipy.cluster.hierarchy as h
from scipy.spatial.distance import pdist

rng = np.random.default_rng(3)
x = rng.integers(0, 6, size=(30, 2)).astype(float)
d = pdist(x, 'cityblock')
Z = h.linkage(d, 'complete')
labels = [h.fcluster(Z, m, 'maxclust') for m in (2, 3, 5, 8)]
labels += [h.fcluster(Z, d.max() / 2, 'distance'), h.fcluster(Z, d.max() / 3, 'distance')]
np.save('ties-d.npy', d)
np.save('ties-Z.npy', Z)
np.save('ties-labels.npy', np.array(labels).astype(np.int64))
