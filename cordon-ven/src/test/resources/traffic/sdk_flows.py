"""The official Illumio SDK (unmodified, on PYTHONPATH) reads the flows real VENs reported (TrafficE2ETest).

Usage: sdk_flows.py URL PORT USER:SECRET EXPECTED.json
EXPECTED.json: {"start", "end", "web", "db", "flows": [{"src", "dst", "port", "proto", "direction", "decision",
"rule" (".../rule_sets/N/sec_rules/M" tail or null), "reason"}]}
Prints one line of JSON: {"flows": n, "missing": [...], "wrong": [...], "connections_5432": {"inbound", "outbound"}};
exits 0 when every expected flow came back with its decision, rule and reason, else 1; 3 without `requests`.
"""
import json
import sys

from sdk_session import connect  # beside this script (copied by the test)

pce, expected, TrafficQuery = connect(sys.argv)
query = TrafficQuery.build(start_date=expected["start"], end_date=expected["end"], policy_decisions=[],
                           max_results=100000)
flows = pce.get_traffic_flows_async(query_name="cordon-e2e-sdk", traffic_query=query)


def tail(rule):
    href = rule.get("href") if isinstance(rule, dict) else None
    if href is None:
        return None
    i = href.find("/rule_sets/")
    return href if i < 0 else href[i + 1:]


def live(f):
    return f.state != "snapshot"


missing, wrong = [], []
for e in expected["flows"]:
    same = [f for f in flows if live(f) and f.src.ip == e["src"] and f.dst.ip == e["dst"]
            and f.service.port == e["port"] and f.service.proto == e["proto"] and f.flow_direction == e["direction"]]
    key_ = "%s -> %s %s/%s %s" % (e["src"], e["dst"], e["port"], e["proto"], e["direction"])
    if not same:
        missing.append(key_)
    for f in same:
        got = (f.policy_decision, tail(getattr(f, "rule", None)), getattr(f, "decision_reason", None))
        want = (e["decision"], e["rule"], e["reason"])
        if got != want:
            wrong.append({"flow": key_, "got": got, "want": want})

conns = {"inbound": 0, "outbound": 0}
for f in flows:
    if live(f) and f.src.ip == expected["web"] and f.dst.ip == expected["db"] and f.service.port == 5432 \
            and f.policy_decision == "allowed":
        conns[f.flow_direction] += f.num_connections

print(json.dumps({"flows": len(flows), "missing": missing, "wrong": wrong, "connections_5432": conns}))
sys.exit(0 if not missing and not wrong else 1)
