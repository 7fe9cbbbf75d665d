"""What scripts/bench.py is made of, one module per job: the query set (queries), the two
indexes (builds), the server processes (servers), their memory (memory), the clients and
what they measure (clients), the report (report) and one whole run (run); common holds
what they share. bench.py itself is the command line. fuzz_server.py uses servers and
hostile (odd and huge requests from a few clients, tallied; tests/test_hostile.py too).

The modules import each other relatively, so the package works both as ``benchlib`` (the
scripts, run as ``python scripts/X.py``, have scripts/ on sys.path) and as
``scripts.benchlib`` (the tests, run from the repository's root).
"""
