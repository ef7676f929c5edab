"""The method of Deep Painterly Harmonization (Luan et al. 2018).

The network, the losses, the matching, the two passes and the post-processing.
"""
