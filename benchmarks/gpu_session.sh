#!/usr/bin/env bash
# Every GPU measurement that docs/performance.md still lacks, as one command for a session
# that is lent a GPU (15 minutes of device time in all). Not yet run on a GPU: give its first
# call the 10-minute limit and read what came back under OUT_DIR.
#
#   bash benchmarks/gpu_session.sh OUT_DIR
#
# 1. check_cuda_graph.py: the captured step trains as the eager one does (exit 1 if not);
# 2. throughput.py on the full balanced set (54,000 images), eager / CUDA graph / framework,
#    and bf16_check.py (3 fp32 seeds, 1 bf16 seed per model);
# 3. a sweep's throughput with K = 1, 2, 4 joblib processes sharing the card: the 30 jobs of
#    experiment=ros_no_aug at 2 epochs, jobs per minute for each K.
# The whole experiment=study (the < 10 min goal) is a second call: the line at the end.
# The device's python3 has torch, Lightning, torchmetrics, joblib and matplotlib; hydra-core
# 1.3.8, omegaconf 2.3.0, antlr4-python3-runtime 4.9.3 and hydra-joblib-launcher 1.2.0 travel
# as wheels in .whl/ (git-ignored; `pip download` / `pip wheel` them, see the device README).
# The device call, whole:
#   run(carry=[".whl"], timeout_s=600, command="python3 -m pip install -q --no-index --no-deps
#       --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl &&
#       export PYTHONPATH=/tmp/site || exit; bash benchmarks/gpu_session.sh $OUT")
set -uo pipefail  # not -e: a failed check must not hide the measurements after it
out=${1:?usage: bash benchmarks/gpu_session.sh OUT_DIR}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 WANDB_MODE=disabled PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"

python3 benchmarks/check_cuda_graph.py 2>&1 | tee "$out/check_cuda_graph.txt"
python3 benchmarks/throughput.py --device cuda --epochs 3 --repeats 2 2>&1 \
  | tee "$out/throughput.txt"
python3 benchmarks/bf16_check.py --device cuda --epochs 3 2>&1 | tee "$out/bf16_check.txt"

for k in 1 2 4; do
  started=$(date +%s)
  python3 train.py -m experiment=ros_no_aug trainer.max_epochs=2 logger=none checkpoint=false \
    trainer.enable_progress_bar=false hydra/launcher=parallel hydra.launcher.n_jobs=$k \
    "hydra.sweep.dir=/tmp/sweep_k$k" >"$out/sweep_k$k.log" 2>&1
  jobs=$(find /tmp/sweep_k$k -name metrics.json | wc -l)
  echo "K=$k: $jobs jobs in $(($(date +%s) - started)) s" | tee -a "$out/sweeps.txt"
done
# Second call: time python3 train.py -m experiment=study logger=none hydra/launcher=parallel \
#   hydra.launcher.n_jobs=<best K> trainer.enable_progress_bar=false
