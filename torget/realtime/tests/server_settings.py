"""Settings for the `torget serve` processes these tests start: Torget's own, plus the
test-only URLs."""

from torget.settings import *  # noqa: F403

ROOT_URLCONF = "torget.realtime.tests.urls"
