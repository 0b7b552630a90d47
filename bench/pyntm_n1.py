"""pyNTM's side of the end-to-end contingency benchmark, run as its own process.

`python -m bench.pyntm_n1 MODEL.json OUT.json`: read the network (interfaces with hop cost 1,
as pyNTM's `add_network_interfaces_from_list` takes them) and the demands from a JSON file
(pyNTM's own tab-separated model file takes integer traffic only, and SNDlib's is not),
build the model, fail every circuit in turn (fail, update_simulation, unfail), and write per
failure the unrouted demands and the highest interface utilisation. Prints the
seconds of the core (one base simulation plus the N-1 loop, as our `contingency()` call routes
the base case and every failure) as JSON on standard output; the caller times the process.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time


def main(model_file: str, out_path: str) -> None:
    from pyNTM import PerformanceModel

    with contextlib.redirect_stdout(io.StringIO()):  # pyNTM prints a line per simulation
        with open(model_file, encoding="utf-8") as handle:
            network = json.load(handle)
        model = PerformanceModel()
        model.add_network_interfaces_from_list(network["interfaces"])
        for demand in network["demands"]:
            model.add_demand(
                demand["source"], demand["dest"], demand["traffic"], name=demand["name"]
            )
        started, started_cpu = time.perf_counter(), time.process_time()
        model.update_simulation()
        # One interface per circuit (named LINK@NODE; failing it fails the circuit), the
        # lowest name, so the same side is failed on every run.
        circuits: dict[str, tuple[str, str]] = {}
        for interface in model.interface_objects:
            side = (interface.name, interface.node_object.name)
            link_id = interface.name.split("@", 1)[0]
            circuits[link_id] = min(circuits.get(link_id, side), side)
        per_failure = {}
        for link_id, (name, node) in sorted(circuits.items()):
            model.fail_interface(name, node)
            model.update_simulation()
            unrouted = sorted(d.name for d in model.get_unrouted_demand_objects())
            worst = max(
                (i.traffic / i.capacity for i in model.interface_objects if not i.failed),
                default=0.0,
            )
            per_failure[link_id] = [unrouted, worst]
            model.unfail_interface(name, node)
        core_s = time.perf_counter() - started
        core_cpu_s = time.process_time() - started_cpu
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(per_failure, handle)
    print(json.dumps({"core_s": core_s, "core_cpu_s": core_cpu_s}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
