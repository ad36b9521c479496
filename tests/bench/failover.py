#!/usr/bin/env python3
"""Helpers of the failover benchmark (tests/bench/failover.sh).

  failover.py config a|b N M FILE [gre|ipsec]
                                       the N GRE and M IKEv2 tunnels of one chassis (or one kind)
  failover.py addrs N M                host-b's destination addresses (ip -batch)
  failover.py send N M PPS PORT LOG    paced UDP, round-robin over the tunnels' destinations
  failover.py recv PORT LOG            arrival time of every packet
  failover.py watch LAB NODE ISA LOG   polls show ip tunnel / show ipsec tunnel until every
                                       tunnel is up on ISA
  failover.py cpu LAB FILE [BEFORE]    CPU seconds of every chassis process (into FILE; with
                                       BEFORE, what each used since, busiest first)
  failover.py ike LOG SINCE M          from an ISA's log: seconds from SINCE to its first IKE
                                       initiation, and until M tunnels had a CHILD SA
  failover.py report ...               the figures (see report())

Tunnel i (0-based) of a kind has its own endpoints, private /30 and destination:
  GRE i:   endpoints 172.16/17.{1+i//250}.{2+i%250}, private 10.128.0.0/16, destination 10.100.0.0/16
  IPsec i: endpoints 172.16/17.{128+i//250}.{2+i%250}, private 10.129.0.0/16, destination 10.101.0.0/16
Flow numbers: GRE tunnel i is flow i, IPsec tunnel i is flow N + i. A packet carries
(flow, sequence number, send time) and the sender logs every packet it sent, so the
receiver's log tells which packet of which tunnel was lost when.
"""
import json
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

PSK = "srlab-bench-failover"
IPSEC_TAG = 50000  # private SAP tags: GRE 1..N, IPsec 50001..
PAYLOAD = struct.Struct("!IId")
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux


def endpoint(side, kind, i):
    third = (128 if kind == "ipsec" else 1) + i // 250
    return "172.%d.%d.%d" % (16 if side == "a" else 17, third, 2 + i % 250)


def private(kind, i, side):
    n = 4 * i + (1 if side == "a" else 2)
    return "10.%d.%d.%d" % (128 if kind == "gre" else 129, n // 256, n % 256)


def destination(kind, i):
    return "10.%d.%d.%d" % (100 if kind == "gre" else 101, i // 250, 1 + i % 250)


def check_sizes(n, m):
    # endpoints: 127 x 250 of each kind; private /30s: 16,384; security policies: 8,192
    if not (0 <= n <= 16000 and 0 <= m <= 8192):
        sys.exit("failover.py: N must be 0..16000 and M 0..8192")


def config(side, n, m, path, only=None):
    """One leaf per line, each with its full configure path."""
    peer = "b" if side == "a" else "a"
    out = []
    w = out.append
    vprn = "configure service vprn 200"
    if only == "ipsec":
        n = 0
    if only == "gre":
        m = 0
    if side == "b" and n:
        # host-b's answers go back through the first GRE tunnel: a ping warms
        # both chassis's ARP entries on the WAN before the IKE burst
        route = "%s static-route-entry 10.1.0.0/24 next-hop %s" % (vprn, private("gre", 0, "a"))
        w(route)
        w("%s no shutdown" % route)
    for i in range(n):
        k = i + 1
        ifn = '%s interface "gre-%d"' % (vprn, k)
        sap = "%s sap tunnel-1.private:%d" % (ifn, k)
        tun = '%s ip-tunnel "gre-%d"' % (sap, k)
        w("%s tunnel create" % ifn)
        w("%s address %s/30" % (ifn, private("gre", i, side)))
        w("%s create" % sap)
        w("%s create" % tun)
        w("%s source %s" % (tun, endpoint(side, "gre", i)))
        w("%s remote-ip %s" % (tun, endpoint(peer, "gre", i)))
        w("%s dest-ip %s" % (tun, private("gre", i, peer)))
        w("%s gre-header" % tun)
        w("%s delivery-service 100" % tun)
        w("%s no shutdown" % tun)
        w("%s no shutdown" % sap)
        w("%s no shutdown" % ifn)
        if side == "a":
            route = "%s static-route-entry %s/32 next-hop %s" % (vprn, destination("gre", i), private("gre", i, peer))
            w(route)
            w("%s no shutdown" % route)
    for i in range(m):
        k = i + 1
        pol = "%s ipsec security-policy %d" % (vprn, k)
        w("%s create" % pol)
        w("%s entry 1 create" % pol)
        local, remote = ("10.1.0.0/24", destination("ipsec", i) + "/32")
        if side == "b":
            local, remote = remote, local
        w("%s entry 1 local-ip %s" % (pol, local))
        w("%s entry 1 remote-ip %s" % (pol, remote))
        ifn = '%s interface "ike-%d"' % (vprn, k)
        sap = "%s sap tunnel-1.private:%d" % (ifn, IPSEC_TAG + k)
        tun = '%s ipsec-tunnel "ike-%d"' % (sap, k)
        w("%s tunnel create" % ifn)
        w("%s address %s/30" % (ifn, private("ipsec", i, side)))
        w("%s create" % sap)
        w("%s create" % tun)
        w("%s security-policy %d" % (tun, k))
        w("%s local-gateway-address %s peer %s delivery-service 100"
          % (tun, endpoint(side, "ipsec", i), endpoint(peer, "ipsec", i)))
        if side == "a":  # chassis-a initiates, chassis-b answers
            w("%s dynamic-keying auto-establish" % tun)
        w("%s dynamic-keying ike-policy 1" % tun)
        w('%s dynamic-keying pre-shared-key "%s"' % (tun, PSK))
        w("%s dynamic-keying transform 1" % tun)
        w("%s no shutdown" % tun)
        w("%s no shutdown" % sap)
        w("%s no shutdown" % ifn)
        if side == "a":
            route = '%s static-route-entry %s/32 ipsec-tunnel "ike-%d"' % (vprn, destination("ipsec", i), k)
            w(route)
            w("%s no shutdown" % route)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def addrs(n, m):
    for i in range(n):
        print("address add %s/32 dev lo" % destination("gre", i))
    for i in range(m):
        print("address add %s/32 dev lo" % destination("ipsec", i))


def flows(n, m):
    """Round-robin order over all tunnels, GRE and IPsec interleaved in proportion."""
    order = [((i + 0.5) / n, i) for i in range(n)] + [((i + 0.5) / m, n + i) for i in range(m)]
    order.sort()
    return [f for _, f in order]


class Stop:
    def __init__(self):
        self.stop = False
        signal.signal(signal.SIGTERM, self.set)
        signal.signal(signal.SIGINT, self.set)

    def set(self, *_):
        self.stop = True


def send(n, m, pps, port, log):
    """Paced at PPS packets per second in total, every packet logged: flow,
    sequence number, send time. Late by more than 10 ms (the machine is
    busy: that is what a failover does), it starts its schedule again from
    now instead of catching up with a burst: a burst would overflow queues
    and be counted as failover loss."""
    stop = Stop()
    dst = [destination("gre", i) for i in range(n)] + [destination("ipsec", i) for i in range(m)]
    order = flows(n, m)
    seq = [0] * len(dst)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out = open(log, "w", buffering=1 << 16)
    t0 = time.time()
    k = i = 0
    while not stop.stop:
        due = t0 + k / pps
        now = time.time()
        if due > now:
            time.sleep(due - now)
        elif now - due > 0.010:
            t0, k = now, 0
        f = order[i % len(order)]
        i += 1
        t = time.time()
        try:
            s.sendto(PAYLOAD.pack(f, seq[f], t) + bytes(22), (dst[f], port))
            out.write("%d %d %.6f\n" % (f, seq[f], t))
        except OSError:
            pass  # not sent: not logged, so not counted as lost
        seq[f] += 1
        k += 1
    out.close()


def recv(port, log):
    """Logs flow, sequence number and the kernel's arrival time (SO_TIMESTAMPNS:
    a receiver kept waiting by a busy machine does not move arrivals)."""
    stop = Stop()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.2)
    out = open(log, "w", buffering=1 << 16)
    while not stop.stop:
        try:
            data, anc, _, _ = s.recvmsg(2048, 64)
        except (socket.timeout, InterruptedError):
            continue
        t = None
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                sec, nsec = struct.unpack("@qq", value[:16])
                t = sec + nsec / 1e9
        if t is None:
            t = time.time()
        if len(data) >= PAYLOAD.size:
            f, q, _ = PAYLOAD.unpack_from(data)
            out.write("%d %d %.6f\n" % (f, q, t))
    out.close()


def show(lab, node, what):
    r = subprocess.run([os.environ.get("SRLAB", "bin/srlab"), "cli", "-l", lab, node, "--json"] + what.split(),
                       capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)


def ipsec_up(t, isa):
    sas = t.get("ike_sas") or []
    return (t["oper_state"] == "up" and t.get("isa") == isa and
            any(x.get("state") == "established" for x in sas) and
            len(t.get("security_associations") or []) >= 2)


def watch(lab, node, isa, log, limit=300.0):
    """Polls until every GRE tunnel is up on ISA and every IPsec tunnel has an
    established IKE SA and its CHILD SA there; a line per poll:
    time gre-up gre-total ipsec-up ipsec-total."""
    stop = Stop()
    end = time.time() + limit
    with open(log, "w", buffering=1) as out:
        while not stop.stop and time.time() < end:
            asked = time.time()
            try:
                gre = [x for x in show(lab, node, "show ip tunnel")["tunnels"] if x["name"].startswith("gre-")]
                ike = [x for x in show(lab, node, "show ipsec tunnel")["tunnels"] if x["name"].startswith("ike-")]
            except (ValueError, KeyError, subprocess.TimeoutExpired):
                time.sleep(0.2)
                continue
            t = time.time()  # when the answers were complete: an upper bound
            g = sum(x["oper_state"] == "up" and x.get("isa") == isa for x in gre)
            i = sum(ipsec_up(x, isa) for x in ike)
            out.write("%.6f %d %d %d %d\n" % (t, g, len(gre), i, len(ike)))
            if g == len(gre) and i == len(ike):
                return
            # the polls cost cpm (and the ISA) CPU that the failover needs:
            # at most a third of the time, however many tunnels
            time.sleep(max(0.2, 2 * (t - asked)))


def all_up_at(log):
    """(time of the first poll with everything up or None, per-kind times)."""
    gre = ike = None
    for line in open(log):
        t, g, gt, i, it = line.split()
        t = float(t)
        if gre is None and int(g) == int(gt):
            gre = t
        if ike is None and int(i) == int(it):
            ike = t
    return gre, ike


def cpu(lab, path, before=None):
    r = subprocess.run([os.environ.get("SRLAB", "bin/srlab"), "status", "-l", lab, "--json"],
                       capture_output=True, text=True, timeout=30)
    now = {}
    hz = os.sysconf("SC_CLK_TCK")
    for node in json.loads(r.stdout)["nodes"]:
        for p in node.get("processes", []):
            try:
                f = open("/proc/%d/stat" % p["pid"]).read().rsplit(")", 1)[1].split()
                now["%s/%s" % (node["name"], p["name"])] = (int(f[11]) + int(f[12])) / hz
            except (OSError, KeyError, ValueError):
                pass
    with open(path, "w") as out:
        json.dump(now, out)
    if before:
        old = json.load(open(before))
        used = sorted(((now[k] - old.get(k, 0), k) for k in now), reverse=True)
        busy = ", ".join("%s %.2f" % (k, v) for v, k in used if v >= 0.05)
        print("  CPU seconds used from the kill until all up: " + (busy or "none above 0.05 s"))


def ike_times(log, since, want):
    """From an ISA's log: (first IKE initiation, the CHILD SA of the last of
    `want` tunnels) after `since` (seconds since the epoch); None for what
    did not happen."""
    import datetime
    first, seen = None, {}
    try:
        lines = open(log)
    except OSError:
        return None, None
    for line in lines:
        initiate = "event=ike_initiate " in line
        if not initiate and ("event=ike_session" not in line or " child-sa-up " not in line):
            continue
        ts = line.split(" ", 1)[0][3:].rstrip("Z")
        t = datetime.datetime.fromisoformat(ts).replace(tzinfo=datetime.timezone.utc).timestamp()
        if t < since:
            continue
        if initiate:
            first = t if first is None else first
            continue
        name = line.split('tunnel="', 1)[1].split('"', 1)[0]
        seen.setdefault(name, t)
    return first, (max(seen.values()) if seen and len(seen) >= want else None)


def pct(xs, p):
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(n, m, pps, sent_log, recv_log, kill_t, watch_log, setup_s, fo_s):
    """The figures, per kind of tunnel. Every tunnel stops at the kill (its
    ISA is gone); tunnel f is back somewhere between the send time of its
    last lost packet and that of its first packet delivered after it, so a
    tunnel's own figures are only as fine as its sending interval P (number
    of tunnels / rate), while those of a whole kind (500 packets/s) are fine
    to a few ms:
      outage per tunnel   its lost packets times P (what the receiver's
                          sequence numbers say), p50 / p90 / max
      outage of the kind  from the kill to its last loss before a run of
                          deliveries (a twentieth of its tunnels in a row):
                          GRE tunnels move together, so this is theirs; what
                          is lost after the run is counted apart
      last loss           the send time of the kind's last lost packet: no
                          tunnel is back before it, the last one at most P
                          after it (and by its own first packet delivered
                          after the kill: "first delivery")
      silence             the longest time without an arrival of the kind
                          (lost, or queued behind other work)
      delayed             the longest transit of a packet sent after the
                          last loss
      show                the first poll of show ip tunnel / show ipsec
                          tunnel with every tunnel up on the backup ISA
    and the ratio of the IPsec recovery (kill to the last CHILD SA, from the
    backup ISA's log) to the first setup of the same tunnels (first IKE
    initiation to the last CHILD SA, from the primary's log): setup_s, fo_s."""
    total = n + m
    period = total / pps
    sent = {}
    for line in open(sent_log):
        f, q, t = line.split()
        sent[(int(f), int(q))] = float(t)
    got = {}
    arrivals = {"gre": [], "ipsec": []}
    for line in open(recv_log):
        f, q, t = line.split()
        f, q, t = int(f), int(q), float(t)
        got[(f, q)] = t
        arrivals["gre" if f < n else "ipsec"].append(t)
    last_sent = max(sent.values()) if sent else kill_t
    horizon = last_sent - 1.0  # sent later than this: perhaps still on its way
    per_flow = {}
    for (f, q), t in sent.items():
        per_flow.setdefault(f, []).append((q, t))
    res = {}
    for kind, flows_ in (("gre", range(n)), ("ipsec", range(n, total))):
        outage, first_ok, never, lost_total, last_lost = [], [], 0, 0, None
        for f in flows_:
            pk = sorted(per_flow.get(f, []))
            before = [q for q, t in pk if t < kill_t and (f, q) in got]
            q0 = before[-1] if before else -1
            lost = [(q, t) for q, t in pk if q > q0 and t <= horizon and (f, q) not in got]
            lost_total += len(lost)
            outage.append(len(lost) * period)
            if lost and (last_lost is None or lost[-1][1] > last_lost):
                last_lost = lost[-1][1]
            qn = lost[-1][0] if lost else q0
            ok = next((t for q, t in pk if q > qn and (f, q) in got), None)
            if ok is None:
                never += 1
            else:
                first_ok.append(ok)
        back_lo = (last_lost - kill_t) if last_lost else 0.0
        # the kind's outage: from the kill to its last loss before a run of
        # deliveries (a twentieth of its tunnels, at least 10, in a row); what
        # is lost after that run is counted apart (queues overflowing while
        # the ISAs negotiate, or a straggler)
        mine = sorted((t, k in got) for k, t in sent.items()
                      if (k[0] < n) == (kind == "gre") and t >= kill_t and t <= horizon)
        need, run, last_bad, end, after = max(10, len(flows_) // 20), 0, None, None, 0
        for t, ok in mine:
            if end is not None:
                after += not ok
            elif ok:
                run += 1
                if run >= need:
                    end = last_bad if last_bad is not None else kill_t
            else:
                run, last_bad = 0, t
        outage_end = ((end - kill_t) if end is not None else float("nan"))
        back_hi = (max(first_ok) - kill_t) if first_ok else float("nan")
        a = sorted(arrivals[kind])
        silence = 0.0
        for x, y in zip(a, a[1:]):
            if y > kill_t and kill_t - 1 < x <= kill_t + back_hi + 1 and y - x > silence:
                silence = y - x
        late = [got[k] - t for k, t in sent.items() if k in got and (k[0] < n) == (kind == "gre")
                and t > kill_t + back_lo]
        res[kind] = dict(outage=outage, lost=lost_total, never=never, back_lo=back_lo, back_hi=back_hi,
                         outage_end=outage_end, lost_after=after,
                         silence=silence, delayed=max(late) if late else 0.0)
    gre_show, ike_show = all_up_at(watch_log)
    r = sys.stdout.write
    r("  traffic: %d packets/s over %d tunnels: a packet per tunnel every %.0f ms; %d sent, %d received\n"
      % (pps, total, period * 1000, len(sent), len(got)))
    for kind, label, count, up in (("gre", "GRE", n, gre_show), ("ipsec", "IPsec", m, ike_show)):
        if not count:
            continue
        x = res[kind]
        o = [v * 1000 for v in x["outage"]]
        r("  %-5s %5d tunnels: %d packets lost, %d tunnels lost none; outage per tunnel p50 %.0f, "
          "p90 %.0f, max %.0f ms\n" % (label, count, x["lost"], sum(v == 0 for v in o), pct(o, 50),
                                        pct(o, 90), max(o) if o else 0))
        if x["never"]:
            r("        %d tunnels NEVER delivered again\n" % x["never"])
        r("        outage of the kind %.0f ms (then %d packets lost apart); last loss %.0f ms after the kill "
          "(every tunnel's first delivery by %.0f ms); no arrival for %.0f ms; then delayed up to %.0f ms\n"
          % (x["outage_end"] * 1000, x["lost_after"], x["back_lo"] * 1000, x["back_hi"] * 1000,
             x["silence"] * 1000, x["delayed"] * 1000))
        r("        show %s: all up on the backup ISA %s\n"
          % ("ip tunnel" if kind == "gre" else "ipsec tunnel",
             "%.2f s after the kill" % (up - kill_t) if up else "NOT within the wait"))
    g, i = res["gre"], res["ipsec"]
    if n:
        go = [v * 1000 for v in g["outage"]]
        r("bench failover: GRE outage p50 %.0f ms max %.0f ms per tunnel (lost x %.0f ms), %.0f ms for all "
          "GRE, last loss %.0f ms after the kill (target 500)\n"
          % (pct(go, 50), max(go) if go else 0, period * 1000, g["outage_end"] * 1000, g["back_lo"] * 1000))
    if m:
        never = " (%d NEVER)" % i["never"] if i["never"] else ""
        r("bench failover: IPsec all back in %.2f s (last loss) for %d tunnels%s (target 2 s); last CHILD SA "
          "%.2f s after the kill vs %.2f s for the first setup ratio %.2f\n"
          % (i["back_lo"], m, never, fo_s, setup_s, fo_s / setup_s if setup_s > 0 else float("nan")))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "config" and len(argv) in (6, 7):
        check_sizes(int(argv[3]), int(argv[4]))
        config(argv[2], int(argv[3]), int(argv[4]), argv[5], argv[6] if len(argv) == 7 else None)
    elif cmd == "addrs" and len(argv) == 4:
        addrs(int(argv[2]), int(argv[3]))
    elif cmd == "send" and len(argv) == 7:
        send(int(argv[2]), int(argv[3]), float(argv[4]), int(argv[5]), argv[6])
    elif cmd == "recv" and len(argv) == 4:
        recv(int(argv[2]), argv[3])
    elif cmd == "watch" and len(argv) == 6:
        watch(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "ike" and len(argv) == 5:
        since = float(argv[3])
        print(" ".join("%.3f" % (t - since) if t else "nan" for t in ike_times(argv[2], since, int(argv[4]))))
    elif cmd == "cpu" and len(argv) in (4, 5):
        cpu(argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    elif cmd == "report" and len(argv) == 11:
        report(int(argv[2]), int(argv[3]), float(argv[4]), argv[5], argv[6], float(argv[7]), argv[8],
               float(argv[9]), float(argv[10]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
