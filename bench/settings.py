"""The product's settings with the benchmark's URLs, which add a bare view (bench.web)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
