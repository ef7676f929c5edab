"""The cut-out benchmark: objects with a known mask pasted onto real photos, scored per method.

harmonize bench-cutout --data DIR --out bench-cutout/
"""
