#!/bin/bash
T="-f 1 -wi 6 -w 2s -i 4 -r 2s"
show() { python3 - "$1" "$2" <<'PY'
import json,sys
for b in json.load(open(sys.argv[1])):
    p=b['params']; s=b['primaryMetric']['score']; c=b['secondaryMetrics']['cpuMs']['score']
    print(sys.argv[2], b['benchmark'].split('.')[-1], p.get('stack'), p.get('suite'), f"{s:.0f} MiB/s", f"{s*1000/c:.0f} per CPU-s", flush=True)
PY
}
for r in 1 2 3 4 5; do
 for suite in TLS12_AES128 TLS13_AES128; do
  for j in base new6 stitch; do
    java -jar /tmp/$j.jar '^io.tlsduplex.bench.BulkBenchmark.bothWays$' -p stack=ADAPTER_OPENSSL -p suite=$suite $T -rf json -rff /tmp/b/y-$j-$suite-$r.json > /tmp/b/y-$j-$suite-$r.log 2>&1; show /tmp/b/y-$j-$suite-$r.json "$r $j"
  done
  java -jar /tmp/new6.jar '^io.tlsduplex.bench.BulkBenchmark.bothWays$' -p stack=SECURE_OPENSSL -p suite=$suite $T -rf json -rff /tmp/b/y-secure-$suite-$r.json > /tmp/b/y-secure-$suite-$r.log 2>&1; show /tmp/b/y-secure-$suite-$r.json "$r secure"
 done
done
echo done
