#!/bin/sh
# Regenerates every reference-model artifact (training, ONNX export, gradient graphs, TorchScript,
# golden values, examples, index) from the repository root. Needs Debian python3-torch (1.13),
# python3-onnx (1.12), python3-numpy; seeds are fixed, so reruns reproduce the files.
# Then checks the ONNX files with ONNX Runtime against the golden values (needs the ORT jar:
#   mvn -B -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.29.0).
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
$PY models-onnx/python/train_mlp_breast_cancer.py
$PY models-onnx/python/train_cnn1d_synthetic.py
$PY models-onnx/python/train_bilstm_synthetic.py
ORT="$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0/onnxruntime-1.29.0.jar"
if [ -f "$ORT" ]; then
  java -cp "$ORT" models-onnx/python/CheckOnnx.java 1e-5
else
  echo "ONNX Runtime jar not found at $ORT: skipped CheckOnnx.java" >&2
fi
# PyTorch CPU baseline timings (not part of the artifacts; slow-ish):
# $PY models-onnx/python/bench_torch.py --out models-onnx/python/bench_torch.out.json
# Clinical: discretizer golden matrices (11 real demo test episodes), the committed synthetic
# sample (20 episodes + truth), and the Channel-wise LSTM (~4 min on 2 cores), then its ORT check.
$PY models-onnx/python/mimic_discretizer.py
$PY models-onnx/python/mimic_cohort.py
$PY models-onnx/python/train_channelwise_lstm.py
# its held-out evaluation set for `explain4j evaluate -d eval` (200 episodes, generator seed 2)
$PY models-onnx/python/channelwise_eval_set.py
if [ -f "$ORT" ]; then
  java -cp "$ORT" models-onnx/python/CheckOnnx.java 1e-5 channelwise_lstm
fi
# ECG: synthetic 12-lead generator -> ecg_resnet + ecg_perlead (train ~10 min on 2 cores), their
# golden folders, the shared eval set and real-record reference predictions (explain4j/ecg/),
# then the ORT check against the golden folders.
$PY models-onnx/python/train_ecg.py
if [ -f "$ORT" ]; then
  # 1e-3: IG along the path crosses ReLU/max-pool kinks where float32 and float64 differ (PyTorch
  # float32 autograd IG shows the same 2e-4..5e-4 relative gap to the float64 golden values)
  java -cp "$ORT" models-onnx/python/CheckEcg.java 1e-3
fi
