# Sourced by submit-standalone, submit-yarn and submit-k8s: turns
#   LAUNCHER [launcher and spark-submit options] COMMAND [albert flags...]
# into one real spark-submit call running `albert COMMAND ...` (org.albertspark.jobs.cli.AlbertCli)
# from the job jar. The launcher sets ALBERT_KIND (standalone|yarn|k8s) and calls albert_submit "$@".
#
# Launcher options (before COMMAND):
#   --dry-run              print the full command, run nothing
#   --task-cpus N          cores per task (spark.task.cpus) = the model's threads per task
#                          (-Dalbert.threads on executors); default 1
#   --offheap SIZE         ND4J off-heap memory per executor, e.g. 3g; default 2g. Sets
#                          spark.executor.memoryOverhead = SIZE + 512m unless that is set, and the
#                          executor's enforced limit (JavaCPP maxphysicalbytes) = executor memory +
#                          memoryOverhead - 256m: a task over it fails with "Physical memory usage is
#                          too high" before YARN or Kubernetes kill the container for it. Executor
#                          memory is read from --executor-memory, --conf spark.executor.memory,
#                          --properties-file or $SPARK_HOME/conf/spark-defaults.conf (default 1g)
#   --javacpp-cache DIR    where executors unpack ND4J's natives (JavaCPP cache), on each node
#                          (k8s: in the container); default /tmp/albert-javacpp-cache
#   any spark-submit option, passed as given (--master, --deploy-mode, --conf K=V,
#   --executor-memory, --num-executors, --total-executor-cores, --properties-file, ...)
# Environment:
#   SPARK_HOME                 use $SPARK_HOME/bin/spark-submit; unset: Spark's own SparkSubmit
#                              class from the project's Spark jars (module spark-dist)
#   ALBERT_OPENBLAS_CORETYPE   force one OpenBLAS kernel on driver and executors; unset: each JVM
#                              decides on its own CPU (OpenBlasCoreTypePlugin)
#   ALBERT_JAVA_OPTS           extra options for the driver JVM

# shellcheck source=albert-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/albert-env.sh"

# spark-submit options that take no value (everything else starting with -- takes one).
albert_submit_flag_options=" --verbose -v --supervise --help -h --version "

# A Spark memory size ("3g", "512m", "2gb", "1t", "1024" = MiB, as Spark reads these settings) -> MiB
albert_mib() {
  local v="${1,,}"
  [[ "$v" =~ ^[0-9]+[kmgt]b$ ]] && v="${v%b}"
  case "$v" in
    *[0-9]) echo "$v" ;;
    *k) echo $(( ${v%k} / 1024 )) ;;
    *m) echo "${v%m}" ;;
    *g) echo $(( ${v%g} * 1024 )) ;;
    *t) echo $(( ${v%t} * 1024 * 1024 )) ;;
    *) echo "$(basename "$0"): bad size '$1' (use e.g. 2g or 512m)" >&2; exit 2 ;;
  esac
}

# The value of KEY in a Spark properties file ("key value" or "key=value" lines), empty if absent.
albert_property() {
  local file="$1" key="$2"
  [[ -f "$file" ]] || return 0
  sed -n -E "s/^[[:space:]]*${key//./\\.}[[:space:]]*[=[:space:]][[:space:]]*([^[:space:]#]+).*/\\1/p" "$file" | tail -1
}

# The margin between the enforced process limit and the container's size: JVM memory that is
# neither heap nor ND4J (thread stacks, code cache) must fit in it.
albert_container_margin_mib=256

albert_submit() {
  local dry_run=0 task_cpus=1 offheap=2g cache=/tmp/albert-javacpp-cache
  local -a user=()          # spark-submit options as given
  local master="" deploy_mode="" plugins="" executor_memory="" overhead="" properties_file=""
  while [[ $# -gt 0 && "$1" == -* ]]; do
    case "$1" in
      --dry-run) dry_run=1; shift ;;
      --task-cpus) task_cpus="${2:?--task-cpus needs a number}"; shift 2 ;;
      --offheap) offheap="${2:?--offheap needs a size}"; shift 2 ;;
      --javacpp-cache) cache="${2:?--javacpp-cache needs a folder}"; shift 2 ;;
      --master) master="${2:?--master needs a URL}"; shift 2 ;;
      --deploy-mode) deploy_mode="${2:?--deploy-mode needs client or cluster}"; shift 2 ;;
      --conf)
        local kv="${2:?--conf needs KEY=VALUE}"
        case "$kv" in
          spark.task.cpus=*) task_cpus="${kv#*=}" ;;
          spark.plugins=*) plugins="${kv#*=}" ;;
          spark.executor.memoryOverhead=*) overhead="${kv#*=}"; user+=(--conf "$kv") ;;
          spark.executor.memory=*) executor_memory="${kv#*=}"; user+=(--conf "$kv") ;;
          *) user+=(--conf "$kv") ;;
        esac
        shift 2 ;;
      --executor-memory) executor_memory="${2:?--executor-memory needs a size}"; user+=("$1" "$2"); shift 2 ;;
      --properties-file) properties_file="${2:?--properties-file needs a file}"; user+=("$1" "$2"); shift 2 ;;
      --executor-memory=*) executor_memory="${1#*=}"; user+=("$1"); shift ;;
      --properties-file=*) properties_file="${1#*=}"; user+=("$1"); shift ;;
      --*=*) user+=("$1"); shift ;;
      *)
        if [[ "$albert_submit_flag_options" == *" $1 "* ]]; then
          user+=("$1"); shift
        else
          user+=("$1" "${2:?$1 needs a value}"); shift 2
        fi ;;
    esac
  done
  if [[ $# -eq 0 ]]; then
    echo "usage: $(basename "$0") [--dry-run] [--task-cpus N] [--offheap SIZE] [spark-submit options] COMMAND [albert flags]" >&2
    echo "       (COMMAND and flags as for submit-scripts/albert; see the comment at the top of $0)" >&2
    exit 2
  fi
  [[ "$task_cpus" =~ ^[1-9][0-9]*$ ]] || { echo "$(basename "$0"): --task-cpus must be a positive integer, got '$task_cpus'" >&2; exit 2; }
  local offheap_mib; offheap_mib="$(albert_mib "$offheap")"
  # Settings not on the command line come from the properties file, else spark-defaults.conf,
  # as spark-submit itself resolves them.
  local defaults="${properties_file:-${SPARK_HOME:+$SPARK_HOME/conf/spark-defaults.conf}}"
  if [[ -n "$defaults" ]]; then
    [[ -n "$executor_memory" ]] || executor_memory="$(albert_property "$defaults" spark.executor.memory)"
    [[ -n "$overhead" ]] || overhead="$(albert_property "$defaults" spark.executor.memoryOverhead)"
  fi
  local overhead_set=0 overhead_mib=$((offheap_mib + 512)) heap_mib
  [[ -n "$overhead" ]] && { overhead_set=1; overhead_mib="$(albert_mib "$overhead")"; }
  heap_mib="$(albert_mib "${executor_memory:-1g}")"
  local limit_mib=$((heap_mib + overhead_mib - albert_container_margin_mib))

  local jar="$ALBERT_JAR" driver_log4j="-Dlog4j2.configurationFile=$ALBERT_ROOT/conf/log4j2.properties"
  local -a kind_conf=()
  case "$ALBERT_KIND" in
    standalone)
      if [[ -z "$master" ]]; then
        master="$("$ALBERT_ROOT/submit-scripts/local-cluster" url 2>/dev/null)" || {
          echo "$(basename "$0"): give --master spark://HOST:PORT (no local-cluster is running either)" >&2; exit 2; }
      fi
      [[ "$master" == spark://* ]] || { echo "$(basename "$0"): --master must be spark://HOST:PORT, got '$master'" >&2; exit 2; }
      deploy_mode="${deploy_mode:-client}" ;;
    yarn)
      [[ -z "$master" || "$master" == yarn ]] || { echo "$(basename "$0"): --master is yarn here, got '$master'" >&2; exit 2; }
      master=yarn
      deploy_mode="${deploy_mode:-client}" ;;
    k8s)
      # spark.kubernetes.* beyond the image (namespace, service account, executor instances,
      # pod templates) are the cluster's: pass them as --conf.
      [[ "$master" == k8s://* ]] || { echo "$(basename "$0"): give --master k8s://https://API-SERVER:PORT" >&2; exit 2; }
      # The image built by submit-scripts/Dockerfile holds the job jar and conf/ at these paths.
      deploy_mode="${deploy_mode:-cluster}"
      jar="local://$ALBERT_IMAGE_JAR"
      driver_log4j="-Dlog4j2.configurationFile=$ALBERT_IMAGE_HOME/conf/log4j2.properties"
      kind_conf+=(--conf "spark.kubernetes.container.image=${ALBERT_K8S_IMAGE:-albert-spark:latest}") ;;
    *) echo "albert_submit: ALBERT_KIND must be standalone, yarn or k8s" >&2; exit 2 ;;
  esac
  if [[ "$ALBERT_KIND" != k8s ]]; then
    albert_require_jar
  fi

  local forced="" jvm; jvm="$(albert_jvm_options_line)"
  [[ -n "${ALBERT_OPENBLAS_CORETYPE:-}" ]] && forced=" -Dalbert.openblas.coretype=$ALBERT_OPENBLAS_CORETYPE"
  local executor_opts="$jvm -Dalbert.threads=$task_cpus -Dorg.bytedeco.javacpp.cachedir=$cache"
  executor_opts+=" -Dorg.bytedeco.javacpp.maxbytes=${offheap_mib}m -Dorg.bytedeco.javacpp.maxphysicalbytes=${limit_mib}m$forced"
  local driver_opts="$jvm $driver_log4j$forced"
  local plugin="org.albertspark.jobs.cluster.OpenBlasCoreTypePlugin"
  local -a conf=(
    --conf "spark.driver.extraJavaOptions=$driver_opts"
    --conf "spark.executor.extraJavaOptions=$executor_opts"
    --conf "spark.task.cpus=$task_cpus"
    --conf "spark.plugins=${plugins:+$plugins,}$plugin"
  )
  # ND4J's off-heap memory lives outside the executor heap: the container must have room for it.
  ((overhead_set)) || conf+=(--conf "spark.executor.memoryOverhead=${overhead_mib}m")

  local -a submit
  if [[ -n "${SPARK_HOME:-}" ]]; then
    submit=("$SPARK_HOME/bin/spark-submit")
  else
    albert_require_spark_dist
    # spark-dist's folder has a Spark home's layout: YARN uploads SPARK_HOME/jars to the containers
    # (set spark.yarn.archive to skip that upload on every submit).
    export SPARK_HOME="$ALBERT_SPARK_HOME" SPARK_SCALA_VERSION=2.13
    local java_bin="java"
    [[ -n "${JAVA_HOME:-}" ]] && java_bin="$JAVA_HOME/bin/java"
    # Client mode: this JVM is the driver, so it gets the driver's options itself.
    submit=("$java_bin" "${ALBERT_JVM_OPTIONS[@]}" "$driver_log4j")
    [[ -n "$forced" ]] && submit+=("${forced# }")
    # shellcheck disable=SC2206
    # As Spark's own launcher does: the Hadoop/YARN configuration folders go on the classpath
    # (without them the YARN client looks for a ResourceManager at 0.0.0.0:8032).
    local cp="$ALBERT_SPARK_CP"
    [[ -n "${HADOOP_CONF_DIR:-}" ]] && cp="$HADOOP_CONF_DIR:$cp"
    [[ -n "${YARN_CONF_DIR:-}" ]] && cp="$YARN_CONF_DIR:$cp"
    submit+=(${ALBERT_JAVA_OPTS:-} -cp "$cp" org.apache.spark.deploy.SparkSubmit)
  fi
  local -a cmd=("${submit[@]}" --master "$master" --deploy-mode "$deploy_mode"
    --name "albert $1" --class org.albertspark.jobs.cli.AlbertCli
    "${conf[@]}" "${kind_conf[@]}" "${user[@]}" "$jar" "$@")

  if ((dry_run)); then
    printf '%q ' "${cmd[@]}"
    echo
    return 0
  fi
  # The driver (client mode) decides for its own CPU, as the local launcher does.
  local coretype; coretype="$(albert_openblas_coretype)"
  [[ -n "$coretype" ]] && export OPENBLAS_CORETYPE="$coretype"
  exec "${cmd[@]}"
}

# Where the image built by submit-scripts/Dockerfile keeps our files (the k8s launcher and the
# Dockerfile layout test read these).
ALBERT_IMAGE_HOME=/opt/albert
ALBERT_IMAGE_JAR=/opt/albert/jars/albert-jobs.jar
