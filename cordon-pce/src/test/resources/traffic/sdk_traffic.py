"""Drives Cordon's Explorer API with the official Illumio SDK, unmodified (PYTHONPATH=.../illumio-py).

Usage: sdk_traffic.py URL PORT USER:SECRET EXPECTED.json
EXPECTED.json: {"start": ..., "end": ..., "flows": [{"src": ip, "dst": ip, "port": n, "proto": n,
"direction": "inbound|outbound", "decision": "..."}], "blocked_only": n}
Prints one line of JSON with what it saw; exits 0 when every expected flow came back with its decision,
1 on a mismatch, 3 when the SDK's dependency `requests` is missing.
"""
import json
import sys

from sdk_session import connect  # beside this script (copied by the test)

pce, expected, TrafficQuery = connect(sys.argv)

query = TrafficQuery.build(start_date=expected["start"], end_date=expected["end"],
                           policy_decisions=[], max_results=100000)
flows = pce.get_traffic_flows_async(query_name="cordon-sdk-all", traffic_query=query)
seen = sorted((f.src.ip, f.dst.ip, f.service.port, f.service.proto, f.flow_direction, f.policy_decision)
              for f in flows)
want = sorted((e["src"], e["dst"], e["port"], e["proto"], e["direction"], e["decision"]) for e in expected["flows"])

blocked = pce.get_traffic_flows_async(
    query_name="cordon-sdk-blocked",
    traffic_query=TrafficQuery.build(start_date=expected["start"], end_date=expected["end"],
                                     policy_decisions=["blocked"], include_services=[{"proto": "tcp"}]))
workloads = sorted({f.dst.workload.href for f in flows if f.dst.workload is not None})

out = {"seen": seen, "want": want, "blocked": len(blocked), "dst_workloads": workloads}
print(json.dumps(out))
ok = seen == want and len(blocked) == expected["blocked_only"] and all(
    f.timestamp_range is not None and f.timestamp_range.first_detected for f in flows)
sys.exit(0 if ok else 1)
