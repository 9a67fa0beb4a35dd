#!/usr/bin/env bash
# Runs one of the timed benchmark runners. They are not tests: nothing here asserts a time.
#   scripts/bench.sh gradients [--seconds S]   explainers vs raw session.run vs PyTorch (./explain4j bench)
#   scripts/bench.sh lrp|perturbation|autodiff|summary-scale [args]   the runners in explain-onnx's test sources
# Run on an idle machine: the numbers are medians, but 2 shared cores still make them move.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
what="${1:-}"
shift || true
case "$what" in
  gradients) exec ./explain4j bench "$@" ;;
  lrp) main=org.explain4j.onnx.lrp.LrpBenchmark ;;
  perturbation) main=org.explain4j.onnx.PerturbationBenchmark ;;
  autodiff) main=org.explain4j.onnx.autodiff.GradientGraphBenchmark ;;
  summary-scale) main=org.explain4j.onnx.MetricsSummaryScaleRunner ;;
  *) echo "usage: scripts/bench.sh gradients|lrp|perturbation|autodiff|summary-scale [args]" >&2; exit 2 ;;
esac
t=target-bench
mvn -B -q -Dexplain4j.target=$t -pl explain-onnx -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$root/explain-onnx/$t/classpath.txt" 2>&1 | sed 's/\x1b\[0m//g' >&2
cp="explain-onnx/$t/test-classes:explain-onnx/$t/classes:explain-api/$t/classes:models-onnx/$t/classes"
exec java --add-opens=java.base/java.nio=ALL-UNNAMED -Djava.awt.headless=true \
  -cp "$cp:$(cat "explain-onnx/$t/classpath.txt")" "$main" "$@"
