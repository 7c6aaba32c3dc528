"""seqecho: helpers for the course on teaching recurrent networks to
remember.

Modules, each depending only on those listed before it:
:mod:`seqecho.data` (generate, encode, frame), :mod:`seqecho.layers`
(recurrent layers whose state works on every backend),
:mod:`seqecho.models` (builders), :mod:`seqecho.batches` (feeding a
sequence batch by batch), :mod:`seqecho.train` (training loops),
:mod:`seqecho.evaluate` (accuracy, decoding), :mod:`seqecho.probes`
(states, gates and linear probes), :mod:`seqecho.seeds`
(several seeds trained side by side) and :mod:`seqecho.plots` (figures).
"""

import os

# Keep TensorFlow's C++ start-up chatter (CPU features, missing CUDA) out of
# the notebooks.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
