"""Post-processing of the pass-2 result (docs/algorithm.md §5): chroma denoising, PatchMatch, blend."""

from harmonize.method.postprocess.pipeline import postprocess

__all__ = ["postprocess"]
