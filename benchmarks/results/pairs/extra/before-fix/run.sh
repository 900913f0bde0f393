#!/bin/bash
# usage: pair.sh REPS tag jmh-args... ; each rep = one JMH invocation with -f 1 (forks run back to back)
reps=$1; tag=$2; shift 2
for r in $(seq 1 $reps); do
  java -jar /tmp/cur.jar "$@" -f 1 -wi 6 -w 2s -i 4 -r 2s -rf json -rff /tmp/b/p-$tag-$r.json > /tmp/b/p-$tag-$r.log 2>&1
  python3 - /tmp/b/p-$tag-$r.json $r <<'PY'
import json,sys
for b in json.load(open(sys.argv[1])):
    p=b['params']; s=b['primaryMetric']['score']; c=b['secondaryMetrics']['cpuMs']['score']
    print(sys.argv[2], b['benchmark'].split('.')[-1], p.get('stack'), p.get('suite'), f"{s:.0f} MiB/s", f"{s*1000/c:.0f} per CPU-s", flush=True)
PY
done
