"""seqecho: helpers for the course on teaching recurrent networks to remember.

Modules: :mod:`seqecho.data` (generate, encode, frame), :mod:`seqecho.models`
(builders), :mod:`seqecho.train` (training loops), :mod:`seqecho.evaluate`
(accuracy, decoding), :mod:`seqecho.seeds` (several seeds trained side by side)
and :mod:`seqecho.plots` (figures).
"""

import os

# Keep TensorFlow's C++ start-up chatter (CPU features, missing CUDA) out of the notebooks.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
