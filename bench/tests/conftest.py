"""The benchmark's own tests (its corpus, its runner, its preview script) share the
product suite's fixtures; they live here so that ``tests/`` is the product's suite."""

from tests.conftest import _cache_folder

__all__ = ["_cache_folder"]  # autouse: builds here keep their caches in the run's folder
