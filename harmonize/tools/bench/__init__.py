"""`harmonize bench`: speed and quality of the engine on the paper's examples."""
