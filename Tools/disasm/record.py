#!/usr/bin/env python3
"""Records GNU objdump's disassembly as the expectations of the X86Asm disassembler tests.

Writes Tests/X86AsmTests/Disassembly/*.txt. Each file holds one or more streams:

    # stream NAME base 0xADDRESS
     8049000:\t89 e5                \tmov    %esp,%ebp
     ...

The lines under a stream header are objdump's own output (`objdump -D -z -b binary -m i386
--adjust-vma=BASE`, header removed) for a buffer of bytes; the buffer itself is the bytes
column of those lines, so the Swift test rebuilds it from the file, disassembles it from BASE
and compares its lines with these, byte for byte.

Sources:
  corpus.txt           instruction bytes of the differential corpus Tests/IA32Tests/Corpus
  sweep-onebyte.txt    every one-byte opcode against a spread of ModRM/SIB bytes
  sweep-twobyte.txt    the same for the 0F map (all 256 ModRM bytes where they name
                       instructions: 0F 01, 0F AE, 0F C7)
  sweep-threebyte.txt  the 0F 38 and 0F 3A maps under each mandatory prefix
  sweep-x87.txt        D8-DF with every ModRM byte
  sweep-prefixes.txt   random prefix combinations in front of random opcodes
  sweep-truncated.txt  instructions cut off by the end of the buffer, and ones past
                       objdump's limits (prefix count, length)
  static.txt           windows of .text of Tools/disasm/sample.c built -m32 -O2 -static

Candidates of the sweeps are random-ish: each is an opcode, a ModRM byte and random bytes
after it. A first objdump pass over the candidates (each alone in a slot padded with NOPs)
tells where each one's first instruction ends; those instructions, concatenated, are the
stream that the second pass records. Everything is seeded, so re-running on the same
objdump and gcc gives the same files.

Usage: Tools/disasm/record.py   (needs objdump, ideally GNU objdump 2.40, and gcc -m32 for
static.txt; objcopy and nm from binutils)
"""
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "X86AsmTests", "Disassembly")
BASE = 0x08049000
SLOT = 48
# Prefix bytes, and the escapes whose decoding is not covered (VEX, EVEX, XOP, 3DNow!).
PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x9B}


def objdump(data, vma):
    """objdump's lines for `data` at `vma`, without the file header."""
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
        f.write(data)
        name = f.name
    try:
        out = subprocess.run(["objdump", "-D", "-z", "-b", "binary", "-m", "i386",
                              "--adjust-vma=%#x" % vma, name],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    lines = out.splitlines()
    start = next(i for i, l in enumerate(lines) if l.endswith("<.data>:")) + 1
    return [l for l in lines[start:] if l.strip()]


def parse(line):
    """(address, bytes, text or None for a continuation line) of one objdump line."""
    addr, rest = line.split(":\t", 1)
    parts = rest.split("\t")
    return int(addr, 16), bytes.fromhex(parts[0].replace(" ", "")), (parts[1] if len(parts) > 1 else None)


def instructions(lines):
    """Groups objdump lines into instructions: [(address, bytes, [lines])]."""
    out = []
    for l in lines:
        a, b, t = parse(l)
        if t is None:
            out[-1][1] += b
            out[-1][2].append(l)
        else:
            out.append([a, b, [l]])
    return out


def first_instructions(cands):
    """The bytes of objdump's first instruction of each candidate (pass 1)."""
    buf = bytearray()
    for c in cands:
        assert len(c) < SLOT - 16
        buf += c + b"\x90" * (SLOT - len(c))
    firsts = {}
    for a, b, _ in instructions(objdump(bytes(buf), BASE)):
        if (a - BASE) % SLOT == 0:
            firsts[(a - BASE) // SLOT] = bytes(b)
    return [firsts[i] for i in range(len(cands))]


def stream(name, data, vma=BASE, limit=None):
    """A stream block: header and objdump's lines (the first `limit` instructions)."""
    insns = instructions(objdump(data, vma))
    if limit is not None:
        insns = insns[:limit]
    text = ["# stream %s base %#010x" % (name, vma)]
    for _, _, ls in insns:
        text.extend(ls)
    return text, len(insns)


def write(filename, header, blocks):
    path = os.path.join(OUT, filename)
    with open(path, "w") as f:
        f.write("# %s -- recorded by Tools/disasm/record.py from %s. Do not edit.\n"
                % (header, objdump_version()))
        for lines in blocks:
            f.write("\n".join(lines) + "\n")
    print("%-22s %7d bytes" % (filename, os.path.getsize(path)))


def objdump_version():
    return subprocess.run(["objdump", "--version"], capture_output=True, text=True).stdout.splitlines()[0]


def tail(r, n=10):
    return bytes(r.randrange(256) for _ in range(n))


def modrm_spread(r):
    """ModRM bytes: every mod and reg, a random rm each, plus the SIB and disp32 forms."""
    out = [(mod << 6) | (reg << 3) | r.randrange(8) for mod in range(4) for reg in range(8)]
    out += [(mod << 6) | (r.randrange(8) << 3) | 4 for mod in range(3)]
    out += [(r.randrange(8) << 3) | 5]
    return out


def escaped(op, m):
    """Opcode/ModRM pairs that start VEX, EVEX or XOP instructions in 32-bit code."""
    return (op in (0xC4, 0xC5, 0x62) and m >> 6 == 3) or (op == 0x8F and (m >> 3) & 7 != 0)


def sweep_onebyte(r):
    cands = []
    for op in range(256):
        if op in PREFIXES or op == 0x0F:
            continue
        for m in modrm_spread(r):
            if not escaped(op, m):
                cands.append(bytes([op, m]) + tail(r))
    return cands


def sweep_twobyte(r):
    cands = []
    for op in range(256):
        if op in (0x0F, 0x38, 0x3A):
            continue
        mods = range(256) if op in (0x01, 0xAE, 0xC7) else modrm_spread(r)
        for m in mods:
            cands.append(bytes([0x0F, op, m]) + tail(r))
    return cands


def sweep_threebyte(r):
    cands = []
    for esc in (0x38, 0x3A):
        for op in range(256):
            for p in (b"", b"\x66", b"\xf3", b"\xf2"):
                for m in (r.randrange(0xC0), 0xC0 | r.randrange(64)):
                    cands.append(p + bytes([0x0F, esc, op, m]) + tail(r))
    return cands


def sweep_x87(r):
    cands = [bytes([op, m]) + tail(r) for op in range(0xD8, 0xE0) for m in range(256)]
    # 66 sizes the environment images; FWAIT merges into the no-wait forms.
    for p in (b"\x66", b"\x9b"):
        cands += [p + bytes([op, m]) + tail(r) for op in (0xD9, 0xDB, 0xDD, 0xDF)
                  for m in list(range(0x20, 0x40)) + list(range(0xE0, 0xE8))]
    return cands


def sweep_prefixes(r):
    pool = [0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x9B]
    cands = []
    for _ in range(12000):
        pre = bytes(r.choice(pool) for _ in range(r.choice((1, 1, 2, 2, 3, 4))))
        kind = r.randrange(5)
        if kind < 2:
            op = r.choice([o for o in range(256) if o not in PREFIXES and o != 0x0F])
            m = r.randrange(256)
            if escaped(op, m):
                continue
            body = bytes([op, m])
        elif kind < 4:
            op = r.choice([o for o in range(256) if o not in (0x0F, 0x38, 0x3A)])
            body = bytes([0x0F, op, r.randrange(256)])
        else:
            body = bytes([0x0F, r.choice((0x38, 0x3A)), r.randrange(256), r.randrange(256)])
        cands.append(pre + body + tail(r))
    return cands


def truncated():
    """Buffers whose last instruction is cut off, and instructions past objdump's limits
    (13 prefixes, 15 bytes, 20 bytes read): each its own stream."""
    cases = ["c7", "66", "6666", "66c7", "0f", "0f38", "0f3800", "9b", "9bd9", "f3", "26",
             "e8000000", "d9", "8fc0", "f30f", "660f3a0f", "0fba", "0f01", "67", "6789",
             "669b", "f39bd9", "9b9b", "f0", "c70001000000", "0f8400", "a1000000", "eb",
             "68", "ea112233"]
    blocks = []
    for i, h in enumerate(cases):
        lines, _ = stream("truncated-%s" % h, bytes.fromhex("90" + h), BASE + 0x100 * i)
        blocks.append(lines)
    for n in range(9, 16):
        for p in ("66", "f3", "2e"):
            h = p * n + "c784850000000001000000"
            lines, _ = stream("long-%sx%d" % (p, n), bytes.fromhex(h + "90"), BASE + 0x10000 + 0x100 * len(blocks))
            blocks.append(lines)
    return blocks


def corpus(r):
    """Instruction bytes of the differential corpus: up to 12 per case, distinct opcodes."""
    cdir = os.path.join(ROOT, "Tests", "IA32Tests", "Corpus")
    cands, seen = [], {}
    for fn in sorted(os.listdir(cdir)):
        if not fn.endswith(".txt"):
            continue
        for line in open(os.path.join(cdir, fn)):
            if line.startswith("#") or not line.strip():
                continue
            name, code = line.split(";")[:2]
            key = seen.setdefault(name, set())
            if len(key) >= 12 or code[:6] in key:
                continue
            key.add(code[:6])
            cands.append(bytes.fromhex(code))
    return cands


def static_windows():
    """Windows of a static glibc program's .text: the start and SIMD string functions."""
    with tempfile.TemporaryDirectory() as d:
        exe = os.path.join(d, "sample")
        subprocess.run(["gcc", "-m32", "-O2", "-static", os.path.join(ROOT, "Tools", "disasm", "sample.c"),
                        "-o", exe, "-lm"], check=True)
        text = os.path.join(d, "text.bin")
        subprocess.run(["objcopy", "-O", "binary", "--only-section=.text", exe, text], check=True)
        data = open(text, "rb").read()
        sections = subprocess.run(["readelf", "-SW", exe], capture_output=True, text=True).stdout
        vma = next(int(l.split()[l.split().index(".text") + 2], 16)
                   for l in sections.splitlines() if " .text " in l)
        symbols = {}
        for l in subprocess.run(["nm", exe], capture_output=True, text=True).stdout.splitlines():
            f = l.split()
            if len(f) == 3 and f[1] in "tT":
                symbols.setdefault(f[2], int(f[0], 16))
    wanted = ["main", "__memcmp_sse4_2", "__strcmp_sse4_2", "__strcpy_ssse3", "__strcspn_sse42",
              "__memchr_sse2", "__memset_sse2", "__printf_fp_l", "__divdi3", "__strcasecmp_l_ssse3"]
    blocks, total = [], 0
    starts = [("text", vma)] + [(s, symbols[s]) for s in wanted if s in symbols]
    for name, addr in starts:
        off = addr - vma
        lines, n = stream("static-%s" % name, data[off:off + 16384], addr, limit=2000)
        blocks.append(lines)
        total += n
    return blocks, total


def main():
    if not objdump_version().endswith(" 2.40"):
        print("warning: expectations were made with GNU objdump 2.40; this is: " + objdump_version(),
              file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    r = random.Random(0x6A7E)

    def candidates(name, cands):
        lines, n = stream(name, b"".join(first_instructions(cands)))
        return [lines], n

    for fn, title, gen in [
        ("corpus.txt", "IA32Tests corpus instructions", corpus),
        ("sweep-onebyte.txt", "one-byte opcode sweep", sweep_onebyte),
        ("sweep-twobyte.txt", "0F opcode sweep", sweep_twobyte),
        ("sweep-threebyte.txt", "0F 38 / 0F 3A opcode sweep", sweep_threebyte),
        ("sweep-x87.txt", "x87 sweep", sweep_x87),
        ("sweep-prefixes.txt", "prefix combination sweep", sweep_prefixes),
    ]:
        blocks, n = candidates(fn[:-4], gen(r))
        write(fn, "%s, %d instructions" % (title, n), blocks)
    write("sweep-truncated.txt", "instructions cut off by the end of the buffer or past objdump's limits",
          truncated())
    try:
        blocks, n = static_windows()
        write("static.txt", "gcc -m32 -O2 -static Tools/disasm/sample.c, %d instructions" % n, blocks)
    except (OSError, subprocess.CalledProcessError) as e:
        print("static.txt not recorded: %s" % e, file=sys.stderr)


if __name__ == "__main__":
    main()
