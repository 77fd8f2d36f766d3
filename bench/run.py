#!/usr/bin/env python3
"""Gate's benchmark runner: native vs qemu-i386 vs `gate run`, interleaved and repeated.

Builds the i386 benchmark programs with `gcc -m32`, builds Gate's release binary, then runs
every program natively, under qemu-i386 and under Gate in rounds (A B C, A B C, ...) after
a warm-up round.  Each run goes through bench/measure.c, a small launcher that reports the
child's wall time and wait4() rusage (user time, peak RSS); every run's standard output
must equal the native run's (the programs print a checksum).  Prints a Markdown table of medians (ratios are medians of per-round ratios),
optionally the issue's targets, and with --write rewrites the marked section of
BENCHMARKS.md.  Python 3 standard library only.  See bench/README.md.
"""

import argparse
import datetime
import os
import math
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
DEFAULT_SRC = os.path.join(os.path.dirname(REPO_ROOT), "shared", "bench", "src")
DEFAULT_OUT = os.path.join(BENCH_DIR, ".out")
DEFAULT_GATE = os.path.join(REPO_ROOT, ".build", "release", "gate")
DEFAULT_BENCHMARKS = os.path.join(REPO_ROOT, "BENCHMARKS.md")

# The suite's programs, in the order the table lists them.
PROGRAMS = ["intloop", "memsort", "fpu", "syscall-int80", "syscall-vdso", "hello", "fileio"]
# Same flags as shared/bench/build.sh: baseline i686 code, x87 floating point, static.
CFLAGS = ["-m32", "-march=i686", "-mtune=generic", "-O2", "-static", "-Wall", "-Wextra"]
LIBS = ["-lm"]

COLUMNS = ["native", "qemu", "gate"]
BEGIN_MARK = "<!-- bench:begin -->"
END_MARK = "<!-- bench:end -->"

# The targets: (kind, limit, what).  kind "ratio" compares Gate's wall time with
# the named column (median of per-round ratios); "wall" is Gate's median wall time in seconds.
TARGETS = {
    "intloop": ("ratio", 4.0, "qemu"),
    "memsort": ("ratio", 4.0, "qemu"),
    "fpu": ("ratio", 0.5, "qemu"),
    "syscall-vdso": ("ratio", 1.0, "native"),
    "syscall-int80": ("ratio", 1.0, "qemu"),
    "hello": ("wall", 0.005, None),
    "fileio": ("ratio", 1.5, "native"),
}


class Fatal(Exception):
    """A one-line error for the user (printed without a traceback)."""


def note(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- arguments

def parse_runs(values):
    """--runs N and --runs PROG=N (repeatable) -> (default, {prog: n})."""
    default, per = 3, {}
    for v in values or []:
        name, sep, count = v.rpartition("=")
        try:
            n = int(count)
        except ValueError:
            raise Fatal(f"--runs expects N or PROGRAM=N, got {v!r}")
        if n < 1:
            raise Fatal(f"--runs needs at least 1 run, got {v!r}")
        if sep:
            per[name] = n
        else:
            default = n
    return default, per


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Run the i386 benchmark suite natively, under qemu-i386 and under Gate.",
        epilog="A full default run takes about half an hour: fpu alone needs ~100 s a run "
               "under qemu and longer under Gate. Use --programs and --runs fpu=1 to trim it.")
    p.add_argument("--src", metavar="DIR",
                   help="build every *.c in DIR (default: ../shared/bench/src from the repo root)")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help="build and scratch directory (default: bench/.out)")
    p.add_argument("--programs", metavar="A,B", help="comma-separated programs to run (default: all)")
    p.add_argument("--runs", metavar="N|PROG=N", action="append",
                   help="measured rounds per program (default 3); PROG=N sets one program's "
                        "count; repeatable, e.g. --runs 5 --runs fpu=1")
    p.add_argument("--warmup", metavar="N", type=int, default=1,
                   help="unmeasured warm-up rounds per program (default 1)")
    p.add_argument("--no-build", action="store_true", help="don't build Gate; use the existing binary")
    p.add_argument("--gate", metavar="PATH",
                   help=f"Gate binary to run (implies --no-build; default: {os.path.relpath(DEFAULT_GATE, REPO_ROOT)})")
    p.add_argument("--qemu", metavar="PATH", help="qemu-i386 binary (default: qemu-i386 from PATH)")
    p.add_argument("--no-qemu", action="store_true", help="skip the qemu-i386 column")
    p.add_argument("--no-native", action="store_true", help="skip the native column")
    p.add_argument("--timeout", metavar="S", type=float, default=3600,
                   help="kill a run after S seconds (default 3600)")
    p.add_argument("--targets", action="store_true", help="also print the issue's targets, met or not")
    p.add_argument("--write", action="store_true",
                   help=f"rewrite the section between {BEGIN_MARK} and {END_MARK} in BENCHMARKS.md")
    p.add_argument("--benchmarks-file", metavar="PATH", default=DEFAULT_BENCHMARKS,
                   help="file --write rewrites (default: BENCHMARKS.md at the repo root)")
    args = p.parse_args(argv)
    args.runs_default, args.runs_per = parse_runs(args.runs)
    if args.warmup < 0:
        raise Fatal("--warmup must be 0 or more")
    return args


# ---------------------------------------------------------------- building

def find_sources(src_dir):
    if src_dir is None:
        if not os.path.isdir(DEFAULT_SRC):
            raise Fatal(f"no benchmark sources: {DEFAULT_SRC} is missing; pass --src DIR")
        src_dir = DEFAULT_SRC
    if not os.path.isdir(src_dir):
        raise Fatal(f"--src {src_dir}: not a directory")
    sources = {f[:-2]: os.path.join(os.path.abspath(src_dir), f)
               for f in os.listdir(src_dir) if f.endswith(".c")}
    if not sources:
        raise Fatal(f"no *.c files in {src_dir}")
    return sources


def choose_programs(sources, spec):
    if spec:
        names = [n.strip() for n in spec.split(",") if n.strip()]
        unknown = [n for n in names if n not in sources]
        if unknown:
            raise Fatal(f"unknown program(s) {', '.join(unknown)}; available: {', '.join(order(sources))}")
        return names
    return order(sources)


def order(names):
    known = [p for p in PROGRAMS if p in names]
    return known + sorted(n for n in names if n not in PROGRAMS)


def check_cc(cc, out_dir):
    """Fail with one line unless `cc -m32 -static` can link a program."""
    if shutil.which(cc) is None:
        raise Fatal(f"{cc} not found: install gcc and gcc-multilib (Debian) to build the i386 programs")
    probe = os.path.join(out_dir, ".probe.c")
    with open(probe, "w") as f:
        f.write("#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n")
    r = subprocess.run([cc] + CFLAGS + ["-o", probe[:-2], probe] + LIBS,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for f in (probe, probe[:-2]):
        if os.path.exists(f):
            os.remove(f)
    if r.returncode != 0:
        first = next((l for l in r.stdout.splitlines() if "error" in l.lower()),
                     r.stdout.strip().splitlines()[0] if r.stdout.strip() else "no output")
        raise Fatal(f"{cc} -m32 -static cannot build i386 programs (Debian: apt-get install gcc-multilib): {first.strip()}")


def build_programs(names, sources, out_dir):
    cc = os.environ.get("CC", "gcc")
    bin_dir = os.path.join(out_dir, "bin")
    os.makedirs(bin_dir, exist_ok=True)
    checked = False
    paths = {}
    for name in names:
        src, out = sources[name], os.path.join(bin_dir, name)
        cmd = [cc] + CFLAGS + ["-o", out, src] + LIBS
        stamp = out + ".cmd"
        line = shlex.join(cmd)
        fresh = (os.path.exists(out) and os.path.exists(stamp)
                 and os.path.getmtime(out) >= os.path.getmtime(src)
                 and open(stamp).read() == line)
        if not fresh:
            if not checked:
                check_cc(cc, out_dir)
                checked = True
            note(f"build: {line}")
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                sys.stderr.write(r.stdout)
                raise Fatal(f"building {name} failed (command above)")
            if r.stdout.strip():
                sys.stderr.write(r.stdout)
            with open(stamp, "w") as f:
                f.write(line)
        paths[name] = out
    return paths


def build_gate():
    if shutil.which("swift") is None:
        raise Fatal("swift not found: can't build Gate (pass --no-build or --gate PATH to use an existing binary)")
    cmd = ["swift", "build", "-c", "release", "--product", "gate"]
    note(f"build: {shlex.join(cmd)}")
    r = subprocess.run(cmd, cwd=REPO_ROOT, stdout=sys.stderr, stderr=sys.stderr)
    if r.returncode != 0:
        raise Fatal(f"`{shlex.join(cmd)}` failed with status {r.returncode}")


# ---------------------------------------------------------------- running

class Run:
    """One child process's outcome."""

    def __init__(self, wall, user, sys_, maxrss_kib, status, stdout, stderr):
        self.wall, self.user, self.sys = wall, user, sys_
        self.rss_mib = maxrss_kib / 1024.0
        self.status, self.stdout, self.stderr = status, stdout, stderr
        self.ok = True          # cleared when status or output disagrees with the reference
        self.timed_out = False
        self.problem = ""


def build_measure(out_dir):
    """Builds bench/measure.c, the small static launcher that times each run (see its comment)."""
    cc = os.environ.get("CC", "gcc")
    src = os.path.join(BENCH_DIR, "measure.c")
    out = os.path.join(out_dir, "measure")
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return out
    if shutil.which(cc) is None:
        raise Fatal(f"{cc} not found: needed to build bench/measure.c and the benchmark programs")
    for flags in (["-O2", "-static"], ["-O2"]):   # static keeps its own RSS tiny; dynamic if no libc.a
        r = subprocess.run([cc] + flags + ["-o", out, src], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode == 0:
            return out
    sys.stderr.write(r.stdout)
    raise Fatal(f"building bench/measure.c with {cc} failed (output above)")


def run_child(measure, argv, work_dir, timeout):
    """Runs argv in work_dir through the measure launcher, stdout/stderr to files."""
    paths = [os.path.join(work_dir, n) for n in (".stdout", ".stderr", ".rusage")]
    fds = [os.open(p, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644) for p in paths]
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0)] + \
              [(os.POSIX_SPAWN_DUP2, fd, n) for fd, n in zip(fds, (1, 2, 3))]
    cwd = os.getcwd()
    os.chdir(work_dir)          # posix_spawn has no cwd argument; this process is single-threaded
    try:
        pid = os.posix_spawn(measure, [measure, str(math.ceil(timeout))] + argv, os.environ,
                             file_actions=actions)
    finally:
        os.chdir(cwd)
        for fd in fds:
            os.close(fd)
    _, status = os.waitpid(pid, 0)
    texts = []
    for p in paths:
        with open(p, errors="replace") as f:
            texts.append(f.read())
    stdout, stderr, report = texts
    fields = report.split()
    if os.waitstatus_to_exitcode(status) != 0 or len(fields) != 6:
        raise Fatal(f"bench/measure failed running {shlex.join(argv)}: {stderr.strip() or 'no report'}")
    wall_ns, ut, st, rss, wstatus, timed_out = map(int, fields)
    code = os.waitstatus_to_exitcode(wstatus)
    if code == 127 and stderr.startswith("measure: can't run"):
        raise OSError(stderr.strip())
    run = Run(wall_ns / 1e9, ut / 1e6, st / 1e6, rss, code, stdout, stderr)
    if timed_out:
        run.ok, run.timed_out, run.problem = False, True, f"timed out after {timeout:g} s"
    return run


def check(run, ref, col):
    """Marks run bad unless it exited 0 and printed the reference output."""
    if not run.ok:
        return
    if run.status != 0:
        run.ok, run.problem = False, f"{col} exited with status {run.status}"
    elif ref is not None and run.stdout != ref:
        run.ok = False
        got = run.stdout.strip().splitlines()[:1] or ["(nothing)"]
        want = ref.strip().splitlines()[:1] or ["(nothing)"]
        run.problem = f"{col} printed {got[0]!r}, the reference printed {want[0]!r}"


def fmt_run(col, run):
    mark = "" if run.ok else " FAILED"
    return f"{col} {fmt_time(run.wall)}{mark}"


def bench_program(name, exe, tools, args, work_dir):
    """Warm-up round(s), then measured rounds of native, qemu, Gate.  Returns {col: [Run]} and problems."""
    cols = [c for c in COLUMNS if c in tools]  # tools also holds "measure"
    argvs = {c: ([exe] if c == "native" else [tools[c], exe] if c == "qemu" else [tools[c], "run", exe])
             for c in cols}
    n = args.runs_per.get(name, args.runs_default)
    results = {c: [] for c in cols}
    problems = []
    ref = None
    for rnd in range(-args.warmup, n):
        round_runs = {}
        for c in cols:
            try:
                r = run_child(tools["measure"], argvs[c], work_dir, args.timeout)
            except OSError as e:
                hint = " (pass --no-native on hosts that can't run i386 code)" if c == "native" else ""
                raise Fatal(f"{name}: {e}{hint}")
            if c == cols[0] and ref is None and r.ok and r.status == 0:
                ref = r.stdout  # the first clean native run (first column's) is the reference
            check(r, ref, c)
            if not r.ok:
                problems.append(f"{name} {'warm-up' if rnd < 0 else f'round {rnd + 1}'}: {r.problem}"
                                + (f" (stderr: {r.stderr.strip().splitlines()[-1]})" if r.stderr.strip() else ""))
            round_runs[c] = r
            if rnd >= 0:
                results[c].append(r)
        label = "warm-up" if rnd < 0 else f"round {rnd + 1}/{n}"
        note(f"  {name} {label}: " + ", ".join(fmt_run(c, round_runs[c]) for c in cols))
    return results, problems


# ---------------------------------------------------------------- reporting

def fmt_time(t):
    if t is None:
        return "–"
    if t < 0.1:
        return f"{t * 1000:.1f} ms"
    if t < 100:
        return f"{t:.2f} s"
    return f"{t:.1f} s"


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


# Medians and ratios count every run that finished, wrong output or not (the row is marked
# FAILED then); runs killed by --timeout are left out.

def median_of(runs, attr):
    vals = [getattr(r, attr) for r in runs if not r.timed_out]
    return statistics.median(vals) if vals else None


def paired_ratio(results, num, den):
    """Median over rounds of num.wall / den.wall (both runs from the same round)."""
    if num not in results or den not in results:
        return None
    ratios = [a.wall / b.wall for a, b in zip(results[num], results[den])
              if not a.timed_out and not b.timed_out and b.wall > 0]
    return statistics.median(ratios) if ratios else None


def summarize(name, results, problems):
    s = {"name": name, "bad": bool(problems)}
    for c in COLUMNS:
        runs = results.get(c)
        s[c + "_wall"] = median_of(runs, "wall") if runs else None
        s[c + "_user"] = median_of(runs, "user") if runs else None
        s[c + "_rss"] = median_of(runs, "rss_mib") if runs else None
    s["gate_native"] = paired_ratio(results, "gate", "native")
    s["gate_qemu"] = paired_ratio(results, "gate", "qemu")
    s["runs"] = len(next(iter(results.values()))) if results else 0
    return s


def markdown_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "| " + " | ".join("-" * w for w in widths) + " |"]
                     + [line(r) for r in rows])


def results_table(summaries):
    header = ["program", "native wall", "qemu wall", "Gate wall", "Gate user",
              "Gate/native", "Gate/qemu", "RSS native / qemu / Gate (MiB)"]
    rows = []
    for s in summaries:
        rss = " / ".join("–" if s[c + "_rss"] is None else f"{s[c + '_rss']:.1f}" for c in COLUMNS)
        rows.append([s["name"] + (" **FAILED**" if s["bad"] else ""),
                     fmt_time(s["native_wall"]), fmt_time(s["qemu_wall"]), fmt_time(s["gate_wall"]),
                     fmt_time(s["gate_user"]), fmt_ratio(s["gate_native"]), fmt_ratio(s["gate_qemu"]), rss])
    return markdown_table(header, rows)


def targets_table(summaries):
    header = ["program", "target", "measured", "speed", "RSS Gate / qemu (MiB)", "RSS ≤ qemu"]
    rows = []
    for s in summaries:
        t = TARGETS.get(s["name"])
        if t is None:
            target, measured, speed = "–", "–", "no target"
        else:
            kind, limit, base = t
            if kind == "wall":
                target, value = f"Gate ≤ {fmt_time(limit)}", s["gate_wall"]
                measured = fmt_time(value)
            else:
                target, value = f"Gate ≤ {limit:g}× {base}", s["gate_" + base]
                measured = "–" if value is None else f"{fmt_ratio(value)} {base}"
            if value is None:
                speed = "n/a"
            elif value <= limit:
                speed = f"met ({value / limit:.0%} of limit)"
            else:
                speed = f"NOT MET ({value / limit:.2f}× limit)"
        g, q = s["gate_rss"], s["qemu_rss"]
        if g is None or q is None:
            rss, rss_ok = "–", "n/a"
        else:
            rss = f"{g:.1f} / {q:.1f}"
            rss_ok = f"met ({g - q:+.1f} MiB)" if g <= q else f"NOT MET ({g - q:+.1f} MiB)"
        rows.append([s["name"], target, measured, speed, rss, rss_ok])
    return markdown_table(header, rows)


def git_commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    model, cores = platform.processor() or platform.machine(), os.cpu_count()
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().splitlines()
        names = [l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")]
        if names:
            model, cores = names[0], len(names)
    except OSError:
        pass
    return f"{model}, {cores} core{'s' if cores != 1 else ''}"


def tool_version(path):
    if path is None:
        return "not used"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        first = out.strip().splitlines()[0] if out.strip() else ""
        return first.replace("qemu-i386 version ", "") or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def section(summaries, problems, notes, info, argv):
    load = info["load"]
    parts = [
        BEGIN_MARK,
        "<!-- Written by bench/run.py --write; edits between these markers are overwritten. -->",
        "",
        f"Machine: {info['machine']} (load average {load} at the start). Date: {info['date']}. "
        f"Commit: {info['commit']}. qemu-i386: {info['qemu']}.",
        f"Command: `{shlex.join(['python3', 'bench/run.py'] + argv)}`",
        f"Rounds per program: {info['rounds']}, interleaved native, qemu, Gate after "
        f"{info['warmup']} warm-up round(s); times are medians, ratios are medians of "
        f"per-round ratios; RSS is peak resident memory.",
        "",
        results_table(summaries),
        "",
        "Targets:",
        "",
        targets_table(summaries),
    ]
    if notes or problems:
        parts += [""] + [f"- {n}" for n in notes] + [f"- **FAILED: {p}**" for p in problems]
    parts += ["", END_MARK]
    return "\n".join(parts) + "\n"


def write_section(path, text):
    try:
        with open(path) as f:
            content = f.read()
    except FileNotFoundError:
        content = "# Benchmarks\n"
    if BEGIN_MARK in content and END_MARK in content:
        start = content.index(BEGIN_MARK)
        end = content.index(END_MARK, start) + len(END_MARK)
        if content[end:end + 1] == "\n":
            end += 1
        content = content[:start] + text + content[end:]
    elif BEGIN_MARK in content or END_MARK in content:
        raise Fatal(f"{path}: has only one of {BEGIN_MARK} / {END_MARK}; fix the markers by hand")
    else:
        lines = content.splitlines(keepends=True)
        at = next((i + 1 for i, l in enumerate(lines) if l.startswith("# ")), 0)
        content = "".join(lines[:at]) + "\n" + text + "\n" + "".join(lines[at:]).lstrip("\n")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(content)
    os.replace(tmp, path)


# ---------------------------------------------------------------- main

def main(argv):
    args = parse_args(argv)
    start_load = " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "?"
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)

    sources = find_sources(args.src)
    names = choose_programs(sources, args.programs)
    stray = [n for n in args.runs_per if n not in sources]
    if stray:
        raise Fatal(f"--runs names unknown program(s) {', '.join(stray)}")
    exes = build_programs(names, sources, out_dir)

    notes = []
    tools = {"measure": build_measure(out_dir)}
    if not args.no_native:
        tools["native"] = None
    if not args.no_qemu:
        qemu = args.qemu or shutil.which("qemu-i386")
        if qemu is None or not os.access(qemu, os.X_OK):
            msg = f"qemu-i386 not found{f' at {args.qemu}' if args.qemu else ''} " \
                  "(Debian package qemu-user): qemu column skipped"
            note(msg)
            notes.append(msg)
        else:
            tools["qemu"] = os.path.abspath(qemu)
    if args.gate is None and not args.no_build:
        build_gate()
    gate = os.path.abspath(args.gate or DEFAULT_GATE)
    if not os.access(gate, os.X_OK):
        raise Fatal(f"Gate binary {gate} not found" + ("" if args.gate else " (build it, or drop --no-build)"))
    tools["gate"] = gate

    work_dir = os.path.join(out_dir, "work")
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)

    summaries, problems = [], []
    for name in names:
        note(f"{name}: {args.runs_per.get(name, args.runs_default)} round(s)")
        results, probs = bench_program(name, exes[name], tools, args, work_dir)
        summaries.append(summarize(name, results, probs))
        problems += probs
    shutil.rmtree(work_dir, ignore_errors=True)

    print(results_table(summaries))
    if args.targets or args.write:
        print()
        print(targets_table(summaries))
    for n in notes:
        print(f"note: {n}")
    for p in problems:
        print(f"FAILED: {p}")

    if args.write:
        rounds = str(args.runs_default) + "".join(f", {k} {v}" for k, v in sorted(args.runs_per.items()))
        info = {"machine": machine(), "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "commit": git_commit(), "qemu": tool_version(tools.get("qemu")), "load": start_load,
                "rounds": rounds, "warmup": args.warmup}
        write_section(args.benchmarks_file, section(summaries, problems, notes, info, argv))
        note(f"wrote {args.benchmarks_file}")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Fatal as e:
        print(f"bench/run.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("bench/run.py: interrupted", file=sys.stderr)
        sys.exit(130)
