# Sourced by the launchers in submit-scripts/: where the project's jars are, the JVM options every
# ALBERT JVM needs (conf/jvm-options, their one source), and the driver-side OpenBLAS choice.
# Defines: ALBERT_ROOT, ALBERT_JAR, ALBERT_PROVIDED_CP, ALBERT_SPARK_HOME, ALBERT_SPARK_CP, ALBERT_JVM_OPTIONS (array),
# ALBERT_SHARED_DIR, and the functions albert_require_jar, albert_require_spark_dist,
# albert_jvm_options_line, albert_openblas_coretype.

ALBERT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ALBERT_JAR="$ALBERT_ROOT/jobs/target/albert-jobs.jar"
# The Spark and Hadoop jars Maven resolved (scope provided), one classpath line.
ALBERT_PROVIDED_CP_FILE="$ALBERT_ROOT/jobs/target/provided-classpath.txt"
# A whole Spark install's jars (module spark-dist), for the daemons and SparkSubmit without SPARK_HOME.
ALBERT_SPARK_CP_FILE="$ALBERT_ROOT/spark-dist/target/spark-classpath.txt"
# The shared-data folder (fixtures, datasets): one name everywhere, default ../shared beside the repo.
ALBERT_SHARED_DIR="${ALBERT_SHARED_DIR:-$ALBERT_ROOT/../shared}"
export ALBERT_SHARED_DIR

# conf/jvm-options is a java argument file: one option per line, '#' comments.
ALBERT_JVM_OPTIONS=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%%#*}"
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -n "$line" ]] && ALBERT_JVM_OPTIONS+=("$line")
done < "$ALBERT_ROOT/conf/jvm-options"

# The options as one space-separated value, for spark.driver/executor.extraJavaOptions.
albert_jvm_options_line() {
  local IFS=' '
  echo "${ALBERT_JVM_OPTIONS[*]}"
}

albert_require_jar() {
  if [[ ! -f "$ALBERT_JAR" || ! -f "$ALBERT_PROVIDED_CP_FILE" ]]; then
    echo "$(basename "$0"): the job jar is not built yet; run:  (cd '$ALBERT_ROOT' && ./mvnw -q package -DskipTests)" >&2
    exit 2
  fi
  ALBERT_PROVIDED_CP="$(cat "$ALBERT_PROVIDED_CP_FILE")"
}

albert_require_spark_dist() {
  albert_require_jar
  if [[ ! -f "$ALBERT_SPARK_CP_FILE" ]]; then
    echo "$(basename "$0"): the Spark jars list is not built yet; run:  (cd '$ALBERT_ROOT' && ./mvnw -q package -DskipTests)" >&2
    exit 2
  fi
  # A Spark home over those jars (links): the workers build executors' classpaths from
  # SPARK_HOME/jars, and a short `-cp DIR/*` keeps printed commands readable.
  ALBERT_SPARK_HOME="$ALBERT_ROOT/spark-dist/target/spark-home"
  if [[ ! -d "$ALBERT_SPARK_HOME/jars" || "$ALBERT_SPARK_CP_FILE" -nt "$ALBERT_SPARK_HOME/jars" ]]; then
    local tmp="$ALBERT_SPARK_HOME.tmp.$$" jar
    rm -rf "$tmp"; mkdir -p "$tmp/jars"
    IFS=":" read -r -a jars < "$ALBERT_SPARK_CP_FILE" || true  # no newline at the end: read says EOF
    for jar in "${jars[@]}"; do ln -s "$jar" "$tmp/jars/$(basename "$jar")"; done
    rm -rf "$ALBERT_SPARK_HOME"; mv "$tmp" "$ALBERT_SPARK_HOME"
  fi
  ALBERT_SPARK_CP="$ALBERT_SPARK_HOME/jars/*"
}

# OpenBLAS picks its GEMM kernel from OPENBLAS_CORETYPE when set. An environment may pin Haswell
# (AVX2), which on an AVX-512 CPU runs GEMM at about half speed; SkylakeX kernels crash without
# AVX-512. So: an explicit ALBERT_OPENBLAS_CORETYPE wins; else SkylakeX when THIS CPU has the
# AVX-512 subsets those kernels use (F, BW, DQ, VL); else whatever the environment already says.
# Prints the choice (empty: leave OpenBLAS to its own detection). This runs on the driver's machine;
# cluster executors decide on their own CPU (README, "Running on a cluster").
albert_openblas_coretype() {
  if [[ -n "${ALBERT_OPENBLAS_CORETYPE:-}" ]]; then
    echo "$ALBERT_OPENBLAS_CORETYPE"
  elif [[ -r /proc/cpuinfo ]] && flags="$(grep -m1 '^flags' /proc/cpuinfo)" \
      && [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* \
         && " $flags " == *" avx512dq "* && " $flags " == *" avx512vl "* ]]; then
    echo SkylakeX
  else
    echo "${OPENBLAS_CORETYPE:-}"
  fi
}
