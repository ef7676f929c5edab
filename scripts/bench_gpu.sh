#!/usr/bin/env bash
# The bot's standard quality on a CUDA GPU: every example of the paper's data at 700 px, end to end.
#
#   PYTHONPATH=. scripts/bench_gpu.sh DATA_DIR OUT_DIR
#
# DATA_DIR: the paper's examples (N_target.jpg, N_naive.jpg, N_c_mask.jpg, ...: ../shared/data/dph);
# OUT_DIR: gets warmup/ (one run of example 16: CUDA start-up, cuDNN's first choices and numba's
# compilation, reported apart) and bench.json, bench.md (the timing table, `harmonize bench
# --profile`), the panels and the pictures of the timed runs. Needs torch with CUDA; no internet.
# Each run is a fresh process: its "network" stage (CUDA context and loading VGG, once per worker in
# the bot) is outside the end-to-end figure. A few minutes in all on an H200.
# For a check without a GPU: DEVICE=cpu SIZE=64 EXAMPLES=16 scripts/bench_gpu.sh DATA_DIR OUT_DIR
set -euo pipefail

data=${1:?usage: scripts/bench_gpu.sh DATA_DIR OUT_DIR}
out=${2:?usage: scripts/bench_gpu.sh DATA_DIR OUT_DIR}
python=${PYTHON:-python}
device=${DEVICE:-cuda}
size=${SIZE:-700}
examples=${EXAMPLES:-0,2,3,6,9,10,12,14,15,16,20,23,26,30}  # the 14 of ../shared/data/dph
presets=${PRESETS:-standard}  # PRESETS=fast,standard adds the ratio to the previous standard

if [ "$device" = cuda ]; then
  "$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else "torch sees no CUDA GPU")'
  "$python" -c 'import torch; print("GPU:", torch.cuda.get_device_name(0), "torch", torch.__version__)'
fi
mkdir -p "$out"
bench=("$python" -m harmonize bench --data "$data" --size "$size" --device "$device" --profile)

echo "warm-up (example 16, reported apart)"
"${bench[@]}" --out "$out/warmup" --examples 16 --presets "${presets##*,}"

echo "timed runs"
start=$(date +%s)
"${bench[@]}" --out "$out" --examples "$examples" --presets "$presets"
echo "all runs: $(($(date +%s) - start)) s wall, including each run's process start-up"
echo "wrote $out/bench.md"
