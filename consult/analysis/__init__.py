"""Plain text analytics in French (no Flask, no database): normalisation, personal data.

scikit-learn checks its parameters and looks for NaN in every array at every call. Here
the matrices are ours (built from text, never NaN) and a suggestion calls ``transform``
and ``normalize`` a dozen times per contribution: without those checks a suggestion job
costs 13–16 ms of CPU instead of 17.5 (demo scheme, SQLite). scikit-learn keeps such
settings per thread: this applies to the thread that imports the package first (the
main thread of a gunicorn worker or of ``flask worker``).
"""

import sklearn

sklearn.set_config(assume_finite=True, skip_parameter_validation=True)
