"""Automatic screening of citizen posts: detectors and an offensive-language classifier.

Pure functions, no database and no web code. The public API lives in
:mod:`torget.screening.api` (``screen``, ``mask_national_ids``); training, which needs
scikit-learn, lives in :mod:`torget.screening.training` and is never imported at run time.
Screening flags, holds and prioritises; it never rejects — a moderator decides.
"""
