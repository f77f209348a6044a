#!/usr/bin/env python3
"""Generates a large, valid poweron scenario for the benchmarks (loader, model, sweeps).

    tools/gen_large_scenario.py --sites 1000 --orders 10000 --lots 50000 --years 3 --seed 1 [-o FILE]

The output is a pure function of the arguments (own splitmix64 generator, no `random` module, no clock):
the same arguments give the same bytes on every machine. Shape:
- owners: one per 20 sites (at least 1); every owner has sites and orders;
- sites: 1-4 phases (some with triangular ready dates, some tied to construction tasks), grid power in
  1-3 steps sized to the site's slots (some with an uncertain on-site source), install crews, rate,
  burn-in and failures;
- orders: exactly --orders orders whose lots sum to exactly --lots (each order has at least one), ships
  spread over the horizon, uncertain slip and per-lot transit; one in ten fixed to a site;
- redirections: one per 100 orders, to another owner; construction: two tasks (shell, fit-out) per 50
  sites; risks: a few, on tasks and orders; one correlation.
Python 3 standard library only.
"""

import argparse
import datetime
import sys

MASK64 = (1 << 64) - 1

SKUS = (  # id, power_kw, price, tflops
    ("B200", 2.0, 40000, 2250),       # assumption: Blackwell-class part for variety
    ("H100-SXM", 1.4, 30000, 989),    # FACTS H3, H6, H7
    ("H200-SXM", 1.4, 32000, 989),    # assumption: H100-class power and compute
)
AVERAGE_POWER_KW = 1.6  # sizing of site power; some sites end up power-limited, as intended
START = datetime.date(2024, 1, 1)


class SplitMix64:
    """Small deterministic generator (Vigna's splitmix64)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Integer in [0, n). REQUIRES: n >= 1 (modulo bias is irrelevant here)."""
        return self.next_u64() % n

    def between(self, lo, hi):
        """Integer in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def chance(self, per_mille):
        return self.below(1000) < per_mille


def day(offset):
    return (START + datetime.timedelta(days=offset)).isoformat()


def width(n):
    return max(1, len(str(n - 1)))


def tri_date(center, spread_lo, spread_hi):
    return f"{{triangular: [{day(center - spread_lo)}, {day(center)}, {day(center + spread_hi)}]}}"


def generate(n_sites, n_orders, n_lots, years, seed):
    rng = SplitMix64(seed)
    horizon = (START.replace(year=START.year + years) - START).days  # whole calendar years
    n_owners = max(1, n_sites // 20)
    owner_ids = [f"owner-{i:0{width(n_owners)}d}" for i in range(n_owners)]
    site_ids = [f"site-{i:0{width(n_sites)}d}" for i in range(n_sites)]
    order_ids = [f"order-{i:0{width(n_orders)}d}" for i in range(n_orders)]
    site_owner = [i % n_owners for i in range(n_sites)]
    owner_sites = [[s for s in range(n_sites) if site_owner[s] == o] for o in range(n_owners)]

    # Lots: one per order, the rest spread at random; quantities are lots x a per-lot size.
    lots = [1] * n_orders
    for _ in range(n_lots - n_orders):
        lots[rng.below(n_orders)] += 1
    orders = []
    owner_chips = [0] * n_owners
    for j in range(n_orders):
        owner = j % n_owners
        per_lot = 64 * rng.between(1, 16)
        quantity = lots[j] * per_lot
        owner_chips[owner] += quantity
        ship = rng.below(max(1, horizon - 180))
        fixed = None
        if rng.chance(100):
            sites_of_owner = owner_sites[owner]
            fixed = sites_of_owner[rng.below(len(sites_of_owner))]
        orders.append({"owner": owner, "sku": SKUS[rng.below(len(SKUS))][0], "quantity": quantity,
                       "ship": ship, "lots": lots[j], "interval": rng.between(0, 3), "site": fixed})

    # Construction: a shell -> fit-out chain for one site in 50; that site's last phase waits for it.
    n_chains = max(1, n_sites // 50)
    chain_sites = {(k * 50 + 7) % n_sites: k for k in range(n_chains)}

    # Sites: slots sized to the owner's chips (+10%), split over its sites and their phases.
    sites = []
    for s in range(n_sites):
        owner = site_owner[s]
        share = -(-owner_chips[owner] * 11 // (10 * len(owner_sites[owner])))  # ceil
        n_phases = rng.between(1, 4)
        phases = []
        for p in range(n_phases):
            gpus = max(64, share // n_phases)
            ready_day = rng.below(max(1, horizon - 120))
            if s in chain_sites and p == n_phases - 1:
                ready = f"{{after: chain-{chain_sites[s]:0{width(n_chains)}d}-fitout, " \
                        f"lag_days: {{triangular: [0, 3, 10]}}}}"
            elif rng.chance(500):
                ready = tri_date(ready_day, rng.between(0, 20), rng.between(10, 60))
            else:
                ready = day(ready_day)
            phases.append((f"p{p}", gpus, ready))
        total_slots = sum(g for _, g, _ in phases)
        pue = 1.1 + rng.below(4) / 10
        full_mw = total_slots * AVERAGE_POWER_KW * pue / 1000
        n_steps = rng.between(1, 3)
        step_days = sorted(rng.below(max(1, horizon - 60)) for _ in range(n_steps))
        steps = [(d, round(full_mw * (k + 1) / n_steps, 1)) for k, d in enumerate(step_days)]
        onsite = None
        if rng.chance(200):
            onsite = (rng.below(max(1, horizon - 60)), round(full_mw * 0.2, 1))
        sites.append({"owner": owner, "priority": rng.between(1, 5) * 10, "pue": pue, "phases": phases,
                      "grid": steps, "onsite": onsite, "crews": rng.between(2, 16)})

    lines = []
    w = lines.append
    w("# GENERATED FILE - do not edit. Regenerated by:")
    w(f"#   tools/gen_large_scenario.py --sites {n_sites} --orders {n_orders} --lots {n_lots} "
      f"--years {years} --seed {seed}")
    w("# Synthetic scenario for benchmarks: sizes, dates and distributions are arbitrary but valid.")
    w("")
    w(f"name: large-{n_sites}-{n_orders}-{n_lots}")
    w(f"description: synthetic benchmark scenario ({n_sites} sites, {n_orders} orders, {n_lots} lots, "
      f"{years} years, seed {seed})")
    w(f"start: {day(0)}")
    w(f"end: {day(horizon - 1)}")
    w(f"seed: {seed}")
    w("")
    w("skus:")
    for sku, power_kw, price, tflops in SKUS:
        w(f"  {sku}: {{power_kw: {power_kw}, price: {price}, tflops: {tflops}}}")
    w("")
    w("owners:")
    for o, owner in enumerate(owner_ids):
        w(f"  {owner}:")
        w(f"    cost_of_capital: {0.08 + (o % 5) / 100:.2f}")
        target_chips = owner_chips[o] // 2
        w(f"    targets: {{half: {{date: {day(horizon // 2)}, powered: {target_chips}}}}}")
    w("")
    w("sites:")
    for s, site in enumerate(sites):
        w(f"  {site_ids[s]}:")
        w(f"    owner: {owner_ids[site['owner']]}")
        w(f"    priority: {site['priority']}")
        w(f"    pue: {site['pue']:.1f}")
        if s % 10 == 0:
            w("    initial: {H100-SXM: 512}")
        w("    phases:")
        for pid, gpus, ready in site["phases"]:
            w(f"      {pid}: {{gpus: {gpus}, ready: {ready}}}")
        w("    power:")
        w("      grid: [" + ", ".join(f"{{date: {day(d)}, mw: {mw}}}" for d, mw in site["grid"]) + "]")
        if site["onsite"] is not None:
            d, mw = site["onsite"]
            w(f"      onsite: [{{date: {tri_date(d, 10, 30)}, mw: {{uniform: [{mw / 2:.1f}, {mw:.1f}]}}}}]")
        w(f"    install: {{crews: {site['crews']}, rate: {{triangular: [64, 128, 192]}}, "
          f"burn_in_days: {{triangular: [3, 5, 10]}}, failure_rate: 0.01, rma_days: {{triangular: [14, 30, 60]}}}}")
    w("")
    w("construction:")
    for k in range(n_chains):
        cid = f"chain-{k:0{width(n_chains)}d}"
        start = rng.below(max(1, horizon // 2))
        w(f"  {cid}-shell: {{start: {day(start)}, days: {{pert: [60, 90, 150]}}}}")
        w(f"  {cid}-fitout: {{after: [{cid}-shell], days: {{triangular: [20, 30, 60]}}}}")
    w("")
    w("orders:")
    for j, order in enumerate(orders):
        site = f", site: {site_ids[order['site']]}" if order["site"] is not None else ""
        w(f"  {order_ids[j]}: {{owner: {owner_ids[order['owner']]}, sku: {order['sku']}, "
          f"quantity: {order['quantity']}, ship: {day(order['ship'])}, lots: {order['lots']}, "
          f"lot_interval_days: {order['interval']}, slip_days: {{triangular: [-5, 0, 20]}}, "
          f"transit_days: {{triangular: [3, 7, 14]}}{site}}}")
    w("")
    n_redirections = n_orders // 100 if n_owners > 1 else 0
    w("redirections:" + ("" if n_redirections else " {}"))
    for k in range(n_redirections):
        j = (k * 100 + 13) % n_orders
        order = orders[j]
        to = (order["owner"] + 1 + rng.below(n_owners - 1)) % n_owners
        date = max(0, order["ship"] - rng.between(0, 30))
        w(f"  redirect-{k:0{width(max(1, n_redirections))}d}: {{date: {day(date)}, order: {order_ids[j]}, "
          f"to: {owner_ids[to]}, quantity: {max(1, order['quantity'] // 2)}}}")
    w("")
    w("risks:")
    for k in range(min(5, n_chains)):
        cid = f"chain-{k:0{width(n_chains)}d}"
        w(f"  risk-{k}: {{probability: 0.{k + 2}, delays: [{{task: {cid}-shell, days: {{uniform: [10, 60]}}}}, "
          f"{{order: {order_ids[(k * 7) % n_orders]}, days: 14}}]}}")
    w("")
    w("correlations:")
    first = f"chain-{0:0{width(n_chains)}d}"
    w(f"  - {{between: [construction.{first}-shell.days, construction.{first}-fitout.days], rho: 0.5}}")
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--lots", type=int, default=50000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", default="-", help="output file ('-', the default: stdout)")
    args = parser.parse_args(argv)
    problems = []
    if args.sites < 1:
        problems.append("--sites must be >= 1")
    if args.orders < 1:
        problems.append("--orders must be >= 1")
    if args.lots < args.orders:
        problems.append("--lots must be >= --orders (every order has at least one lot)")
    if args.years < 1:
        problems.append("--years must be >= 1")
    if args.seed < 0:
        problems.append("--seed must be >= 0")
    if problems:
        for problem in problems:
            print(f"gen_large_scenario.py: error: {problem}", file=sys.stderr)
        return 2
    text = generate(args.sites, args.orders, args.lots, args.years, args.seed)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        print(f"gen_large_scenario.py: error: {args.output}: cannot write: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
