# Puts the built `traceplay` module (and its pure-Python helpers) on sys.path for the
# binding tests: TRACEPLAY_PYTHON_DIR (set by ctest), else build/release/python under
# TRACEPLAY_SOURCE_DIR or this checkout.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_source = os.environ.get("TRACEPLAY_SOURCE_DIR", os.path.dirname(os.path.dirname(_here)))
_module_dir = os.environ.get("TRACEPLAY_PYTHON_DIR", os.path.join(_source, "build", "release", "python"))
if _module_dir not in sys.path:
    sys.path.insert(0, _module_dir)
