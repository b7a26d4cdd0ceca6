"""The training step's modes and the precisions it cannot capture: plain names, no torch, so
that the config check (and the sweeper plugin that imports it) loads no training stack."""

# eager: the step runs as Python on every batch; cuda_graph: each full batch replays a
# captured CUDA graph; auto: cuda_graph where it can (one CUDA device, no fp16 loss scaling).
STEP_MODES = ("eager", "auto", "cuda_graph")
# Lightning precisions whose GradScaler syncs with the host at every step: never captured.
LOSS_SCALED_PRECISIONS = ("16-mixed", "16")
