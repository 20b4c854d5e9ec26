"""What the SDK traffic scripts share (sdk_traffic.py here, sdk_flows.py in cordon-ven): the official Illumio SDK,
unmodified, on PYTHONPATH, signed in to the PCE the test runs.

connect(sys.argv) takes "URL PORT USER:SECRET EXPECTED.json" and returns (pce, expected, TrafficQuery); it exits 3
with one line of JSON when the SDK's dependency `requests` is missing.
"""
import json
import sys
import types


def connect(argv):
    try:
        import requests  # noqa: F401  (the SDK needs it; say so plainly when it is missing)
    except ImportError:
        print(json.dumps({"error": "python3-requests is not installed (apt-get install -y python3-requests)"}))
        sys.exit(3)

    # illumio/_version.py is written by setuptools_scm at install time; the unmodified source tree lacks it
    sys.modules.setdefault("illumio._version", types.SimpleNamespace(version="0.0.0+source"))

    from illumio import PolicyComputeEngine
    from illumio.explorer import TrafficQuery

    url, port, key, expected_file = argv[1:5]
    user, secret = key.split(":", 1)
    with open(expected_file) as f:
        expected = json.load(f)
    pce = PolicyComputeEngine(url, port=port, org_id="1")
    pce.set_credentials(user, secret)
    return pce, expected, TrafficQuery
