"""The offline demo: a painting made by our own code, a cup from scikit-image's sample photos.

from harmonize.tools.demo import run_demo
run_demo(Path("demo-output"))  # painting, object, naive, pass1, pass2, final, compare PNGs + run.json
"""

from harmonize.tools.demo.example import DemoInputs, demo_inputs
from harmonize.tools.demo.painting_generator import generate_painting
from harmonize.tools.demo.runner import DEMO_OPTIONS, run_demo

__all__ = ["DEMO_OPTIONS", "DemoInputs", "demo_inputs", "generate_painting", "run_demo"]
