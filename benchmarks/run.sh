#!/usr/bin/env bash
# Runs the benchmarks and writes JMH JSON into an output folder, then generates the figures and the
# PNG charts from it: into docs/benchmarks.md and docs/ for benchmarks/results/published, else into
# <out>/report.md and <out>/.
#
#   benchmarks/run.sh quick [out]   # about 27 short forks: TLS 1.3 AES-128-GCM only, 1 fork each, short iterations
#   benchmarks/run.sh full  [out]   # the published figures: every suite and stack, 2 forks, 3x2 s warm-up (6x2 s for the bulk and engine runs), 5x2 s
#   benchmarks/run.sh pairs [out]   # the verdicts: ROUNDS (default 3) rounds of one fork per configuration of the bulk runs
#                                   # (adapter and secure(), both engines), of the adapter in memory and the engine
#                                   # ceiling, and of the split path (SplitBenchmark's three modes), written as
#                                   # round-<n>-*.json; the report takes each ratio inside a round
#                                   # (PAIRS=bulk: the bulk runs only, after a change the in-memory runs cannot see;
#                                   #  PAIRS=split: the split path only)
#
# Extra JMH options can be appended with JMH_EXTRA="...", e.g. JMH_EXTRA="-prof jfr"; JMH_TIMING="..."
# replaces the mode's forks and iterations.
# Build first: mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-quick}
out=${2:-benchmarks/results/tmp/$mode}
jar=benchmarks/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar: mvn -B -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }
mkdir -p "$out"
# the run uses its own copy of the jar, so a rebuild during a long run cannot mix versions
cp "$jar" "$out/benchmarks.jar"
jar="$out/benchmarks.jar"

jvm=()   # empty: the annotations' JVM options (2 GiB heap, pre-touched); quick mode replaces them
case "$mode" in
  quick)
    timing=(-f 1 -wi 1 -w 500ms -i 3 -r 500ms)
    # no -XX:+AlwaysPreTouch (5 s per fork here, 2 more minutes): quick figures are for comparing
    # one build with another, and its short forks never leave the heap's first-touch phase anyway
    jvm=(-jvmArgsAppend "-Xms2g -Xmx2g -Dio.netty.leakDetection.level=disabled")
    jdk_suites=TLS13_AES128
    ossl_suites=TLS13_AES128
    echo_connections=64
    keys=EC
    resumptions=FULL
    idle_stacks=ADAPTER_JDK,SECURE_JDK
    # the adapter's three modes; the two secure() modes (what the schedulers' hops cost any stack) are
    # for the full and paired runs
    split_modes=SAME_THREADS,SPLIT_SCHEDULERS,SPLIT_KEYUPDATE
    ;;
  full)
    timing=()   # the annotations' defaults: -f 2 -wi 3 -w 2s -i 5 -r 2s
    jdk_suites=TLS13_AES128,TLS13_AES256,TLS12_AES128
    # BoringSSL cannot be restricted to one TLS 1.3 suite (it always prefers AES-128-GCM here)
    ossl_suites=TLS13_AES128,TLS12_AES128
    echo_connections=1,64,1000
    keys=EC,RSA
    resumptions=FULL,RESUMED
    idle_stacks=ADAPTER_JDK,SECURE_JDK,ADAPTER_OPENSSL,SECURE_OPENSSL,PLAIN_TCP,MEMORY_ADAPTER_JDK
    split_modes=SAME_THREADS,SPLIT_SCHEDULERS,SPLIT_KEYUPDATE,SECURE_SAME_THREADS,SECURE_SPLIT_SCHEDULERS
    ;;
  pairs)
    # one fork per configuration and round, the bulk runs' 12 s warm-up, 4 x 2 s measured
    timing=(-f 1 -wi 6 -w 2s -i 4 -r 2s)
    jdk_suites=TLS13_AES128,TLS13_AES256,TLS12_AES128
    ossl_suites=TLS13_AES128,TLS12_AES128
    ;;
  *) echo "usage: $0 quick|full|pairs [out]" >&2; exit 2 ;;
esac
# JMH_TIMING="-f 1 -wi 2 -w 1s -i 5 -r 1s" replaces the mode's forks and iterations (e.g. full coverage, shorter run)
if [ -n "${JMH_TIMING:-}" ]; then
  read -r -a timing <<< "$JMH_TIMING"
fi

jmh() {
  local name=$1; shift
  echo "== $name [load $(cut -d" " -f1-3 /proc/loadavg)]: java -jar $jar $* ${timing[*]} ${jvm[*]+${jvm[*]}} ${JMH_EXTRA:-}"
  # shellcheck disable=SC2086
  java -jar "$jar" "$@" "${timing[@]}" "${jvm[@]+"${jvm[@]}"}" ${JMH_EXTRA:-} -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1 \
    || { echo "   FAILED, see $out/$name.log" >&2; }
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$out/$name.log" | grep -v ':gc\.' | grep -v '·gc' || true
}

start=$(date +%s)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
if [ "$mode" = pairs ]; then
  # One JMH command per suite: JMH runs a command's forks method by method, parameter by parameter,
  # so the adapter's fork and its alternative's fork of one configuration run back to back, and a
  # ratio taken inside a round compares neighbours in time.
  for round in $(seq "${ROUND_FIRST:-1}" "${ROUNDS:-3}"); do   # ROUND_FIRST=3 ROUNDS=4 adds rounds 3 and 4
    if [ "${PAIRS:-all}" = split ]; then
      jmh "round-$round-split" 'SplitBenchmark'
      continue
    fi
    for suite in ${jdk_suites//,/ }; do
      jmh "round-$round-bulk-jdk-$suite" '\.BulkBenchmark\.' -p stack=ADAPTER_JDK,SECURE_JDK -p suite=$suite
      [ "${PAIRS:-all}" = bulk ] ||
      jmh "round-$round-memory-jdk-$suite" 'MemoryBulkBenchmark|EngineCeilingBenchmark' -p stack=MEMORY_ADAPTER_JDK -p engine=JDK -p buffers=REUSED -p suite=$suite
    done
    for suite in ${ossl_suites//,/ }; do
      jmh "round-$round-bulk-openssl-$suite" '\.BulkBenchmark\.' -p stack=ADAPTER_OPENSSL,SECURE_OPENSSL -p suite=$suite
      [ "${PAIRS:-all}" = bulk ] ||
      jmh "round-$round-memory-openssl-$suite" 'MemoryBulkBenchmark|EngineCeilingBenchmark' -p stack=MEMORY_ADAPTER_OPENSSL -p engine=OPENSSL -p buffers=REUSED -p suite=$suite
    done
    [ "${PAIRS:-all}" = bulk ] || jmh "round-$round-split" 'SplitBenchmark'
  done
else
jmh bulk-jdk     '\.BulkBenchmark\.' -p stack=ADAPTER_JDK,SECURE_JDK,SSLSOCKET_JDK -p suite=$jdk_suites -prof gc
jmh bulk-openssl '\.BulkBenchmark\.' -p stack=ADAPTER_OPENSSL,SECURE_OPENSSL -p suite=$ossl_suites -prof gc
jmh plain        'PlainTcpBenchmark' -prof gc
jmh ceiling-jdk  'EngineCeilingBenchmark' -p engine=JDK -p suite=$jdk_suites -p buffers=REUSED -prof gc
jmh ceiling-openssl 'EngineCeilingBenchmark' -p engine=OPENSSL -p suite=$ossl_suites -p buffers=REUSED -prof gc
jmh ceiling-fresh 'EngineCeilingBenchmark' -p suite=$ossl_suites -p buffers=FRESH -prof gc
jmh memory-jdk   'MemoryBulkBenchmark' -p stack=MEMORY_ADAPTER_JDK -p suite=$jdk_suites -prof gc
jmh memory-openssl 'MemoryBulkBenchmark' -p stack=MEMORY_ADAPTER_OPENSSL -p suite=$ossl_suites -prof gc
jmh echo         'EchoBenchmark' -p connections=$echo_connections
jmh handshake    'HandshakeBenchmark' -p key=$keys -p resumption=$resumptions
jmh split        'SplitBenchmark' -p mode=$split_modes
echo "== idle memory: 1000 connections, every stack; 10000 for the JDK engine stacks (full mode)"
idle() {
  java -Xms2g -Xmx2g -Dio.netty.leakDetection.level=disabled -cp "$jar" io.tlsduplex.bench.IdleMemory "$@" \
    2>&1 | grep -v INFO | grep -v checkTls13Ciphers | grep -v 'connections open' | tee -a "$out/idle-memory.log" || true
}
idle "$out/idle-memory.json" "$idle_stacks" 1000
if [ "$mode" = full ]; then
  idle "$out/idle-memory-10k.json" ADAPTER_JDK,SECURE_JDK,MEMORY_ADAPTER_JDK 10000
fi
fi
echo "== report"
# Only the published run rewrites docs/benchmarks.md and its charts; any other run reports into $out.
if [ "$out" = benchmarks/results/published ]; then
  doc=docs/benchmarks.md; charts=docs
else
  doc="$out/report.md"; charts="$out"; rm -f "$doc"
fi
java -cp "$jar" io.tlsduplex.bench.report.Report "$doc" "$charts" "$out"/*.json
echo "done in $(( $(date +%s) - start )) s; JSON in $out"
