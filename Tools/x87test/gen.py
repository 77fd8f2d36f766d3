#!/usr/bin/env python3
"""Gate x87 differential-test case generator.

usage: gen.py FAMILY [SEED] write the case specs of one family to stdout
       gen.py --list        list the families (the recorded corpus)

SEED replaces the family's fixed seed: fresh cases for soak testing (soak.sh). The
family "chain" (random sequences of the instructions numeric code runs most, for the
interpreter's fast paths) is not part of the recorded corpus; soak.sh runs it.

Spec line (harness input):   name;code;CW SW TW;ST0 ... ST7;EAX EFLAGS;mem
Registers are 80-bit values in hex (sign/exponent first, "0" for zero). TW marks
empty registers (11) and non-empty ones (00), physical register 0 in bits 0-1.
mem is the initial content of the 512-byte window at 0x30000E00 (hex, rest zero).
Every family has its own fixed-seed RNG: the output is deterministic.
"""
import random
import struct
import sys

WIN = 0x30000E00
IF = 0x202

# ---------------------------------------------------------------- values

def f80(sign, exp, sig):
    return ((sign & 1) << 79) | ((exp & 0x7FFF) << 64) | (sig & ((1 << 64) - 1))


def h80(v):
    return '0' if v == 0 else '%020x' % v


INT = 1 << 63
ONE = f80(0, 0x3FFF, INT)
INDEF = f80(1, 0x7FFF, 0xC000000000000000)

SPECIAL = [
    f80(0, 0, 0), f80(1, 0, 0),                                   # zeros
    f80(0, 0x7FFF, INT), f80(1, 0x7FFF, INT),                     # infinities
    f80(0, 0x7FFF, 0xC000000000000001), f80(1, 0x7FFF, 0xE123456789ABCDEF),   # QNaNs
    f80(0, 0x7FFF, 0x8000000000000001), f80(1, 0x7FFF, 0xA5A5A5A5A5A5A5A5),   # SNaNs
    INDEF,
    f80(0, 0, 1), f80(1, 0, 0x7FFFFFFFFFFFFFFF), f80(0, 0, 0x0000012345678000),   # denormals
    f80(0, 0, 0x8000000000000000), f80(1, 0, 0xC000000000000001),   # pseudo-denormals
    f80(0, 0x4000, 0x4000000000000000), f80(1, 0x3FFF, 0x0000000000000001),   # unnormals
    f80(0, 0x7FFF, 0x4000000000000000), f80(0, 0x7FFF, 0),          # pseudo-NaN, pseudo-infinity
    f80(0, 0x7FFE, (1 << 64) - 1), f80(1, 0x7FFE, (1 << 64) - 1),   # largest
    f80(0, 1, INT), f80(1, 1, INT),                                 # smallest normal
    ONE, f80(1, 0x3FFF, INT), f80(0, 0x3FFE, INT), f80(0, 0x4000, INT),
    f80(0, 0x403E, INT), f80(1, 0x403E, INT), f80(0, 0x403D, (1 << 64) - 2),
]


def rnd_sig(rng):
    k = rng.random()
    s = rng.getrandbits(64) | INT
    if k < 0.15:
        s &= ~((1 << 40) - 1)          # a 24-bit significand
    elif k < 0.3:
        s &= ~((1 << 11) - 1)          # a 53-bit significand
    elif k < 0.38:
        s = INT | (rng.getrandbits(8) << 55)
    elif k < 0.46:
        # a tie or near-tie at a precision boundary
        b = rng.choice([39, 10, 0])
        s = (rng.getrandbits(64) | INT) & ~((1 << (b + 1)) - 1) | (1 << b) if b else s
        if rng.random() < 0.3:
            s ^= rng.choice([1, 2, 1 << 9, 1 << 38])
    return s


def rnd_normal(rng, spread=70):
    e = 0x3FFF + rng.randint(-spread, spread)
    return f80(rng.getrandbits(1), e, rnd_sig(rng))


def rnd_any(rng):
    k = rng.random()
    if k < 0.22:
        return rng.choice(SPECIAL)
    if k < 0.80:
        return rnd_normal(rng)
    if k < 0.92:
        return f80(rng.getrandbits(1), rng.randint(1, 0x7FFE), rnd_sig(rng))
    if k < 0.96:
        return f80(rng.getrandbits(1), rng.choice([rng.randint(1, 80), rng.randint(0x7FFE - 80, 0x7FFE)]), rnd_sig(rng))
    return f80(rng.getrandbits(1), 0, rng.getrandbits(rng.randint(1, 64)))


def value_of_int(n):
    if n == 0:
        return 0
    s = 1 if n < 0 else 0
    m = abs(n)
    e = m.bit_length() - 1
    return f80(s, 0x3FFF + e, m << (63 - e))


def near(rng, a):
    """A second operand related to a: same or close exponent, for cancellation and
    rounding at every position."""
    s, e, m = a >> 79, (a >> 64) & 0x7FFF, a & ((1 << 64) - 1)
    if e == 0 or e == 0x7FFF:
        return rnd_any(rng)
    k = rng.random()
    if k < 0.3:
        e2 = max(1, min(0x7FFE, e - rng.randint(0, 70)))
        return f80(rng.getrandbits(1), e2, rnd_sig(rng))
    if k < 0.5:
        return f80(s ^ rng.getrandbits(1), e, m ^ rng.getrandbits(rng.randint(1, 20)))
    if k < 0.65:
        d = rng.randint(1, 66)
        e2 = e - d
        if e2 < 1:
            return rnd_any(rng)
        return f80(rng.getrandbits(1), e2, INT | (rng.getrandbits(2) << 61))
    return rnd_any(rng)


def f32_any(rng):
    k = rng.random()
    if k < 0.25:
        return rng.choice([0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
                           0xFFA00005, 0x00000001, 0x807FFFFF, 0x00400000, 0x7F7FFFFF, 0x00800000, 0x3F800000])
    if k < 0.85:
        return (rng.getrandbits(1) << 31) | (rng.randint(127 - 40, 127 + 40) << 23) | rng.getrandbits(23)
    return rng.getrandbits(32)


def f64_any(rng):
    k = rng.random()
    if k < 0.25:
        return rng.choice([0, 1 << 63, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
                           0xFFF8000000000000, 0x7FF0000000000001, 0x7FF4000000000000, 1, 0x800FFFFFFFFFFFFF,
                           0x0008000000000000, 0x7FEFFFFFFFFFFFFF, 0x0010000000000000, 0x3FF0000000000000])
    if k < 0.85:
        return (rng.getrandbits(1) << 63) | (rng.randint(1023 - 60, 1023 + 60) << 52) | rng.getrandbits(52)
    return rng.getrandbits(64)


def int_any(rng, bits):
    k = rng.random()
    m = 1 << (bits - 1)
    if k < 0.3:
        return rng.choice([0, 1, -1, m - 1, -m, m // 2, -(m // 2) + 1, 7, -100, 1000])
    if k < 0.6:
        return rng.randint(-1000, 1000)
    return rng.randint(-m, m - 1)


def le(v, n):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, 'little')


def mem_hex(b):
    return b.hex() if b else '-'

# ---------------------------------------------------------------- machine state


class State:
    def __init__(self, rng, nvals=0, vals=None, full=False):
        self.rng = rng
        self.cw = 0x037F
        self.sw = 0
        self.top = rng.randint(0, 7)
        self.st = [0] * 8
        self.empty = [True] * 8      # by ST index
        vals = list(vals or [])
        for i in range(8):
            if i < len(vals):
                self.st[i] = vals[i]
                self.empty[i] = False
            elif full or (i >= max(nvals, len(vals)) and rng.random() < 0.12):
                self.st[i] = rnd_normal(rng) if rng.random() < 0.7 else 0
                self.empty[i] = False
        self.eax = rng.getrandbits(32)
        self.efl = IF | rng.choice([0, 1, 4, 0x40, 0x41, 0x45, 0x80, 0x800, 0x8D5, 0x44])

    def random_cw(self, masked_bias=0.8):
        rng = self.rng
        rc = rng.randint(0, 3)
        pc = rng.choice([3, 3, 2, 2, 0, 0, 1])
        masks = 0x3F if rng.random() < masked_bias else rng.getrandbits(6)
        self.cw = 0x40 | masks | (pc << 8) | (rc << 10) | (0x1000 if rng.random() < 0.1 else 0)
        # sticky flags from earlier instructions, masked ones only (nothing pending)
        if rng.random() < 0.25:
            self.sw |= rng.getrandbits(6) & masks
        if rng.random() < 0.5:
            self.sw |= rng.choice([0x100, 0x200, 0x400, 0x4000, 0x4500, 0x0700])
        return self

    def spec(self, name, code, mem=b''):
        tw = 0
        for i in range(8):
            if self.empty[i]:
                tw |= 3 << (2 * ((self.top + i) & 7))
        sw = (self.sw & ~0x3800) | (self.top << 11)
        regs = ' '.join(h80(v) for v in self.st)
        return '%s;%s;%04x %04x %04x;%s;%x %x;%s' % (
            name, code.hex(), self.cw, sw, tw, regs, self.eax, self.efl, mem_hex(mem))


def modrm_mem(reg):
    """ModRM + disp32 addressing the window start."""
    return bytes([(reg << 3) | 5]) + le(WIN, 4)


def modrm_mem_at(reg, off):
    return bytes([(reg << 3) | 5]) + le(WIN + off, 4)

# ---------------------------------------------------------------- families

ARITH = ['add', 'mul', 'com', 'comp', 'sub', 'subr', 'div', 'divr']


def fam_arith(rng, ops):
    out = []
    for op in ops:
        reg = ARITH.index(op)
        for n in range(400):
            a = rnd_any(rng)
            b = near(rng, a) if rng.random() < 0.6 else rnd_any(rng)
            form = rng.choice(['st0', 'sti', 'stip', 'm32', 'm64', 'i16', 'i32', 'st0', 'm64'])
            j = rng.randint(1, 7) if rng.random() < 0.85 else 0
            mem = b''
            if form in ('st0', 'sti', 'stip'):
                vals = [a] + [rnd_any(rng) for _ in range(7)]
                vals[j] = b if j else a
                nv = j + 1
                st = State(rng, vals=vals[:nv])
                if rng.random() < 0.05:
                    st.empty[j] = True
                base = {'st0': 0xD8, 'sti': 0xDC, 'stip': 0xDE}[form]
                if form != 'st0' and reg in (2, 3):
                    continue
                code = bytes([base, 0xC0 | (reg << 3) | j])
            else:
                st = State(rng, vals=[a])
                if form == 'm32':
                    mem = le(f32_any(rng), 4); code = bytes([0xD8]) + modrm_mem(reg)
                elif form == 'm64':
                    mem = le(f64_any(rng), 8); code = bytes([0xDC]) + modrm_mem(reg)
                elif form == 'i16':
                    mem = le(int_any(rng, 16), 2); code = bytes([0xDE]) + modrm_mem(reg)
                else:
                    mem = le(int_any(rng, 32), 4); code = bytes([0xDA]) + modrm_mem(reg)
            if rng.random() < 0.04:
                st.empty[0] = True
            st.random_cw()
            out.append(st.spec('f%s_%s_%d' % (op, form, n), code, mem))
    return out


def fam_add(rng): return fam_arith(rng, ['add', 'sub', 'subr'])
def fam_mul(rng): return fam_arith(rng, ['mul'])
def fam_div(rng): return fam_arith(rng, ['div', 'divr'])
def fam_compare_arith(rng): return fam_arith(rng, ['com', 'comp'])


def fam_load(rng):
    out = []
    for n in range(500):
        kind = rng.choice(['m32', 'm64', 'm80', 'i16', 'i32', 'i64', 'st', 'bcd'])
        st = State(rng, nvals=rng.randint(0, 3), vals=[rnd_any(rng) for _ in range(rng.randint(0, 3))])
        if rng.random() < 0.1:
            st.empty[7] = False
        st.random_cw()
        if kind == 'm32':
            mem, code = le(f32_any(rng), 4), b'\xD9' + modrm_mem(0)
        elif kind == 'm64':
            mem, code = le(f64_any(rng), 8), b'\xDD' + modrm_mem(0)
        elif kind == 'm80':
            mem, code = le(rnd_any(rng), 10), b'\xDB' + modrm_mem(5)
        elif kind == 'i16':
            mem, code = le(int_any(rng, 16), 2), b'\xDF' + modrm_mem(0)
        elif kind == 'i32':
            mem, code = le(int_any(rng, 32), 4), b'\xDB' + modrm_mem(0)
        elif kind == 'i64':
            mem, code = le(int_any(rng, 64), 8), b'\xDF' + modrm_mem(5)
        elif kind == 'bcd':
            if rng.random() < 0.8:
                d = rng.randint(0, 10 ** 18 - 1) if rng.random() < 0.7 else rng.randint(0, 99999)
                b = bytearray()
                for _ in range(9):
                    b.append((d % 10) | ((d // 10 % 10) << 4)); d //= 100
                b.append(rng.choice([0, 0x80, 0x7F, 0xFF]))
                mem = bytes(b)
            else:
                mem = bytes(rng.getrandbits(8) for _ in range(10))
            code = b'\xDF' + modrm_mem(4)
        else:
            j = rng.randint(0, 7)
            code = bytes([0xD9, 0xC0 | j])
            mem = b''
        out.append(st.spec('fld_%s_%d' % (kind, n), code, mem))
    for n in range(80):
        st = State(rng, nvals=rng.randint(0, 2), vals=[rnd_any(rng)])
        if rng.random() < 0.15:
            st.empty[7] = False
        st.random_cw()
        k = rng.randint(0, 6)
        out.append(st.spec('fldconst_%d_%d' % (k, n), bytes([0xD9, 0xE8 + k])))
    return out


def fam_store(rng):
    out = []
    for n in range(900):
        kind = rng.choice(['m32', 'm64', 'm80', 'i16', 'i32', 'i64', 'tt16', 'tt32', 'tt64', 'bcd', 'sti',
                           'm32', 'm64', 'i32', 'i64'])
        pop = rng.random() < 0.5
        k = rng.random()
        if kind in ('i16', 'i32', 'i64', 'tt16', 'tt32', 'tt64', 'bcd') and k < 0.5:
            bits = {'i16': 16, 'i32': 32, 'i64': 64, 'tt16': 16, 'tt32': 32, 'tt64': 64, 'bcd': 60}[kind]
            lim = 1 << (bits - 1)
            v = rng.choice([rng.randint(-lim, lim - 1), lim, -lim - 1, lim - 1, -lim, 10 ** 18, 10 ** 18 - 1, -10 ** 18 + 1])
            a = value_of_int(v)
            if rng.random() < 0.5 and a:
                # a fraction near the integer
                a = f80((a >> 79), (a >> 64) & 0x7FFF, (a & ((1 << 64) - 1)) | rng.getrandbits(rng.randint(1, 12)))
        else:
            a = rnd_any(rng) if rng.random() < 0.5 else f80(rng.getrandbits(1), 0x3FFF + rng.randint(-3, 66), rnd_sig(rng))
        st = State(rng, vals=[a])
        if rng.random() < 0.04:
            st.empty[0] = True
        st.random_cw(0.75)
        if kind == 'm32':
            code = b'\xD9' + modrm_mem(3 if pop else 2)
        elif kind == 'm64':
            code = b'\xDD' + modrm_mem(3 if pop else 2)
        elif kind == 'm80':
            code = b'\xDB' + modrm_mem(7)
        elif kind == 'i16':
            code = b'\xDF' + modrm_mem(3 if pop else 2)
        elif kind == 'i32':
            code = b'\xDB' + modrm_mem(3 if pop else 2)
        elif kind == 'i64':
            code = b'\xDF' + modrm_mem(7)
        elif kind == 'tt16':
            code = b'\xDF' + modrm_mem(1)
        elif kind == 'tt32':
            code = b'\xDB' + modrm_mem(1)
        elif kind == 'tt64':
            code = b'\xDD' + modrm_mem(1)
        elif kind == 'bcd':
            code = b'\xDF' + modrm_mem(6)
        else:
            j = rng.randint(0, 7)
            code = bytes([0xDD, (0xD8 if pop else 0xD0) | j])
        out.append(st.spec('fst_%s%s_%d' % (kind, 'p' if pop else '', n), code))
    return out


def fam_unary(rng):
    out = []
    ops = [('fsqrt', b'\xD9\xFA'), ('fabs', b'\xD9\xE1'), ('fchs', b'\xD9\xE0'), ('frndint', b'\xD9\xFC'),
           ('fxtract', b'\xD9\xF4')]
    for name, code in ops:
        for n in range(400 if name in ('fsqrt', 'frndint') else 100):
            if name == 'frndint' and rng.random() < 0.5:
                a = f80(rng.getrandbits(1), 0x3FFF + rng.randint(-3, 64), rnd_sig(rng))
            else:
                a = rnd_any(rng)
            st = State(rng, vals=[a])
            if rng.random() < 0.04:
                st.empty[0] = True
            if name == 'fxtract' and rng.random() < 0.1:
                st.empty[7] = False
            st.random_cw()
            out.append(st.spec('%s_%d' % (name, n), code))
    return out


def fam_binary(rng):
    out = []
    ops = [('fscale', b'\xD9\xFD'), ('fprem', b'\xD9\xF8'), ('fprem1', b'\xD9\xF5')]
    for name, code in ops:
        for n in range(250):
            a = rnd_any(rng)
            if name == 'fscale':
                b = rnd_any(rng) if rng.random() < 0.3 else value_of_int(rng.randint(-70, 70)) if rng.random() < 0.6 \
                    else f80(rng.getrandbits(1), 0x3FFF + rng.randint(-2, 16), rnd_sig(rng))
            else:
                b = near(rng, a) if rng.random() < 0.5 else rnd_any(rng)
                if rng.random() < 0.3:
                    b = f80(rng.getrandbits(1), ((a >> 64) & 0x7FFF) - rng.randint(0, 140), rnd_sig(rng))
                    if (b >> 64) & 0x7FFF in (0, 0x7FFF) or ((a >> 64) & 0x7FFF) < 150:
                        b = rnd_normal(rng)
            st = State(rng, vals=[a, b])
            if rng.random() < 0.04:
                st.empty[rng.randint(0, 1)] = True
            st.random_cw()
            out.append(st.spec('%s_%d' % (name, n), code))
    return out


def fam_compare(rng):
    out = []
    forms = [('fcom', 0xD8, 0xD0), ('fcomp', 0xD8, 0xD8), ('fucom', 0xDD, 0xE0), ('fucomp', 0xDD, 0xE8),
             ('fcomi', 0xDB, 0xF0), ('fucomi', 0xDB, 0xE8), ('fcomip', 0xDF, 0xF0), ('fucomip', 0xDF, 0xE8),
             ('fcom2', 0xDC, 0xD0), ('fcomp3', 0xDC, 0xD8), ('fcomp5', 0xDE, 0xD0)]
    for name, op, base in forms:
        for n in range(90):
            a = rnd_any(rng)
            b = a if rng.random() < 0.15 else (near(rng, a) if rng.random() < 0.5 else rnd_any(rng))
            j = rng.randint(1, 7)
            vals = [a] + [rnd_any(rng) for _ in range(j - 1)] + [b]
            st = State(rng, vals=vals)
            if rng.random() < 0.05:
                st.empty[rng.choice([0, j])] = True
            st.random_cw()
            out.append(st.spec('%s_%d' % (name, n), bytes([op, base | j])))
    for name, code in [('fcompp', b'\xDE\xD9'), ('fucompp', b'\xDA\xE9'), ('ftst', b'\xD9\xE4'), ('fxam', b'\xD9\xE5')]:
        for n in range(90):
            a = rnd_any(rng)
            b = a if rng.random() < 0.15 else rnd_any(rng)
            st = State(rng, vals=[a, b])
            if rng.random() < 0.08:
                st.empty[rng.choice([0, 1])] = True
            st.random_cw()
            out.append(st.spec('%s_%d' % (name, n), code))
    for name, op in [('ficom16', 0xDE), ('ficom32', 0xDA), ('fcom32', 0xD8), ('fcom64', 0xDC)]:
        for n in range(60):
            st = State(rng, vals=[rnd_any(rng) if rng.random() < 0.5 else value_of_int(rng.randint(-5, 5))])
            st.random_cw()
            if name == 'ficom16':
                mem = le(int_any(rng, 16), 2)
            elif name == 'ficom32':
                mem = le(int_any(rng, 32), 4)
            elif name == 'fcom32':
                mem = le(f32_any(rng), 4)
            else:
                mem = le(f64_any(rng), 8)
            reg = rng.choice([2, 3])
            out.append(st.spec('%s%s_%d' % (name, 'p' if reg == 3 else '', n), bytes([op]) + modrm_mem(reg), mem))
    return out


def fam_stack(rng):
    out = []
    for n in range(300):
        k = rng.randint(0, 14)
        j = rng.randint(0, 7)
        vals = [rnd_any(rng) for _ in range(rng.randint(0, 8))]
        st = State(rng, vals=vals)
        for i in range(8):
            if rng.random() < 0.1:
                st.empty[i] = not st.empty[i]
        st.random_cw()
        code = [bytes([0xD9, 0xC8 | j]),       # fxch
                bytes([0xDD, 0xC0 | j]),       # ffree
                bytes([0xDF, 0xC0 | j]),       # ffreep
                b'\xD9\xF7', b'\xD9\xF6',      # fincstp fdecstp
                b'\xD9\xD0',                   # fnop
                bytes([0xDD, 0xC8 | j]),       # fxch4
                bytes([0xDF, 0xC8 | j]),       # fxch7
                bytes([0xD9, 0xD8 | j]),       # fstp1
                bytes([0xDF, 0xD0 | j]),       # fstp8
                bytes([0xDF, 0xD8 | j]),       # fstp9
                bytes([0xDA, 0xC0 | (rng.randint(0, 3) << 3) | j]),   # fcmovb/e/be/u
                bytes([0xDB, 0xC0 | (rng.randint(0, 3) << 3) | j]),   # fcmovnb/ne/nbe/nu
                bytes([0xDB, rng.choice([0xE0, 0xE1, 0xE4])]),        # feni fdisi fsetpm
                bytes([0xDD, 0xD0 | j]),       # fst st(i)
                ][k]
        out.append(st.spec('stack%d_%d' % (k, n), code))
    return out


def fam_control(rng):
    out = []
    for n in range(260):
        k = rng.randint(0, 11)
        vals = [rnd_any(rng) for _ in range(rng.randint(0, 8))]
        st = State(rng, vals=vals)
        st.random_cw(0.6)
        st.sw |= rng.getrandbits(6) & st.cw & 0x3F if rng.random() < 0.5 else 0
        st.sw |= rng.choice([0, 0x4700, 0x0100])
        mem = b''
        if k == 0:
            mem = le(rng.getrandbits(16), 2); code = b'\xD9' + modrm_mem(5)           # fldcw
        elif k == 1:
            code = b'\xD9' + modrm_mem(7)                                             # fnstcw
        elif k == 2:
            code = b'\xDD' + modrm_mem(7)                                             # fnstsw m16
        elif k == 3:
            code = b'\xDF\xE0'                                                        # fnstsw ax
        elif k == 4:
            code = b'\xDB\xE2'                                                        # fnclex
        elif k == 5:
            code = b'\xDB\xE3'                                                        # fninit
        elif k == 6:
            code = b'\xD9' + modrm_mem(6)                                             # fnstenv
        elif k == 7:
            code = b'\xDD' + modrm_mem(6)                                             # fnsave
        elif k == 8:
            code = b'\x66\xD9' + modrm_mem(6)                                         # fnstenv 16
        elif k == 9:
            # fldenv: a valid environment with random tags
            env = le(0x037F | (rng.getrandbits(4) << 8) & 0xF00, 4) + le(rng.getrandbits(16) & 0x473F | 0x3800, 4) \
                + le(rng.getrandbits(16), 4) + le(rng.getrandbits(32), 4) + le(rng.getrandbits(27), 4) \
                + le(rng.getrandbits(32), 4) + le(rng.getrandbits(16), 4)
            mem = env; code = b'\xD9' + modrm_mem(4)
        elif k == 10:
            env = le(0x0040 | rng.getrandbits(16) & 0x1F3F | 0x3F, 4) + le(rng.getrandbits(16) & 0x7F3F | 0x3800, 4) \
                + le(rng.getrandbits(16), 4) + le(rng.getrandbits(32), 4) + le(rng.getrandbits(27), 4) \
                + le(rng.getrandbits(32), 4) + le(rng.getrandbits(16), 4)
            regs = b''.join(le(rnd_any(rng), 10) for _ in range(8))
            mem = env + regs; code = b'\xDD' + modrm_mem(4)                           # frstor
        else:
            code = b'\x9B'                                                            # fwait
        out.append(st.spec('control%d_%d' % (k, n), code, mem))
    # pending exceptions: the next waiting instruction raises #MF; no-wait ones do not
    for n in range(60):
        st = State(rng, vals=[rnd_normal(rng), rnd_normal(rng)])
        st.cw = 0x037F & ~(1 << rng.randint(0, 5))
        st.sw = (~st.cw & 0x3F) | 0x80 | 0x8000
        code = rng.choice([b'\x9B', b'\xD8\xC1', b'\xD9\xE8', b'\xDB\xE2', b'\xDF\xE0', b'\xDB\xE3',
                           b'\xD9' + modrm_mem(7), b'\xD9' + modrm_mem(6), b'\xD9\xC9'])
        out.append(st.spec('pending_%d' % n, code))
    # fldcw unmasking an already set flag, then a waiting instruction
    for n in range(20):
        st = State(rng, vals=[ONE])
        st.sw = 1 << rng.randint(0, 5)
        code = b'\xD9' + modrm_mem(5) + rng.choice([b'\x9B', b'\xD9\xE1', b'\xDF\xE0'])
        out.append(st.spec('unmask_%d' % n, code, le(0x0340 | rng.getrandbits(6), 2)))
    # undefined encodings in the escape space
    for n, code in enumerate([b'\xD9\xD1', b'\xD9\xE2', b'\xD9\xE6', b'\xD9\xEF', b'\xDA\xE8', b'\xDB\xE5', b'\xDB\xE6',
                              b'\xDD\xF0', b'\xDD\xF8', b'\xDE\xD8', b'\xDF\xE1', b'\xDF\xF8', b'\xD9' + modrm_mem(1),
                              b'\xDB' + modrm_mem(4), b'\xDB' + modrm_mem(6), b'\xDD' + modrm_mem(5)]):
        st = State(rng, vals=[ONE])
        out.append(st.spec('undefined_%d' % n, code))
    return out


def fam_trans(rng):
    out = []
    ops = [('f2xm1', b'\xD9\xF0', 1), ('fyl2x', b'\xD9\xF1', 2), ('fptan', b'\xD9\xF2', 1), ('fpatan', b'\xD9\xF3', 2),
           ('fyl2xp1', b'\xD9\xF9', 2), ('fsincos', b'\xD9\xFB', 1), ('fsin', b'\xD9\xFE', 1), ('fcos', b'\xD9\xFF', 1)]
    for name, code, nargs in ops:
        for n in range(200):
            if rng.random() < 0.2:
                a = rnd_any(rng)
            elif name == 'f2xm1':
                a = f80(rng.getrandbits(1), 0x3FFF - rng.randint(1, 30), rnd_sig(rng))
            elif name == 'fyl2xp1':
                # the documented domain, |x| < 1 - sqrt(2)/2 (about 0.29)
                a = f80(rng.getrandbits(1), 0x3FFF - rng.randint(3, 30), rnd_sig(rng))
            elif name == 'fyl2x':
                a = f80(0, 0x3FFF + rng.randint(-30, 30), rnd_sig(rng))
            elif name in ('fsin', 'fcos', 'fsincos', 'fptan'):
                a = f80(rng.getrandbits(1), 0x3FFF + rng.randint(-20, 8), rnd_sig(rng))
                if rng.random() < 0.1:
                    a = f80(rng.getrandbits(1), 0x3FFF + rng.randint(55, 70), rnd_sig(rng))
            else:
                a = rnd_normal(rng, 20)
            vals = [a]
            if nargs == 2:
                vals.append(rnd_any(rng) if rng.random() < 0.2 else rnd_normal(rng, 10))
            st = State(rng, vals=vals)
            if rng.random() < 0.05:
                st.empty[0] = True
            st.random_cw()
            out.append(st.spec('%s_%d' % (name, n), code))
    return out


def fam_sequence(rng):
    """Short sequences as compilers emit them."""
    out = []
    seqs = [
        # fld m64; fmul st,st; fsqrt; fstp m64
        ('sqrtsq', b'\xDD' + modrm_mem_at(0, 0) + b'\xD8\xC8\xD9\xFA\xDD' + modrm_mem_at(3, 8)),
        # fild m32; fidiv m32; fistp m32 under the current rounding
        ('idiv', b'\xDB' + modrm_mem_at(0, 0) + b'\xDA' + modrm_mem_at(6, 4) + b'\xDB' + modrm_mem_at(3, 8)),
        # fld m64; fld m64; fucomip; fstp st(0); fnstsw ax
        ('ucomi', b'\xDD' + modrm_mem_at(0, 0) + b'\xDD' + modrm_mem_at(0, 8) + b'\xDF\xE9\xDD\xD8\xDF\xE0'),
        # fnstcw; change rounding to chop via memory; fldcw; fistp; fldcw back (gcc's (int)x)
        ('trunc', b'\xDD' + modrm_mem_at(0, 0) + b'\xD9' + modrm_mem_at(7, 16) + b'\x66\xC7\x05' + le(WIN + 18, 4)
         + b'\x7F\x0F' + b'\xD9' + modrm_mem_at(5, 18) + b'\xDB' + modrm_mem_at(3, 8) + b'\xD9' + modrm_mem_at(5, 16)),
        # fld1; fld m64; fyl2x (log2)
        ('log2', b'\xD9\xE8\xDD' + modrm_mem_at(0, 0) + b'\xD9\xF1'),
        # fld m64; fld st(0); frndint; fsubr st(1),st; fxch; f2xm1; fld1; faddp; fscale; fstp st(1)
        ('exp2', b'\xDD' + modrm_mem_at(0, 0) + b'\xD9\xC0\xD9\xFC\xDC\xE9\xD9\xC9\xD9\xF0\xD9\xE8\xDE\xC1\xD9\xFD\xDD\xD9'),
        # fld m32 ; fadd m64; fdiv m32; fstp m80
        ('mixed', b'\xD9' + modrm_mem_at(0, 0) + b'\xDC' + modrm_mem_at(0, 8) + b'\xD8' + modrm_mem_at(6, 4)
         + b'\xDB' + modrm_mem_at(7, 16)),
    ]
    for name, code in seqs:
        for n in range(60):
            st = State(rng, nvals=0)
            if rng.random() < 0.5:
                st.random_cw()
                st.cw |= 0x3F
            if name in ('idiv',):
                mem = le(int_any(rng, 32), 4) + le(int_any(rng, 32) or 3, 4)
            elif name == 'mixed':
                mem = le(f32_any(rng), 4) + le(f32_any(rng), 4) + le(f64_any(rng), 8)
            else:
                mem = le(f64_any(rng), 8) + le(f64_any(rng), 8)
            out.append(st.spec('seq_%s_%d' % (name, n), code, mem))
    return out


MMX_BINARY = [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x74, 0x75, 0x76,
              0xD1, 0xD2, 0xD3, 0xD5, 0xD8, 0xD9, 0xDB, 0xDC, 0xDD, 0xDF, 0xE1, 0xE2, 0xE5, 0xE8, 0xE9,
              0xEB, 0xEC, 0xED, 0xEF, 0xF1, 0xF2, 0xF3, 0xF5, 0xF8, 0xF9, 0xFA, 0xFC, 0xFD, 0xFE]


def mmx_value(rng):
    k = rng.random()
    if k < 0.15:
        return rng.choice([0, (1 << 64) - 1, 0x8000800080008000, 0x7FFF7FFF7FFF7FFF, 0x8080808080808080,
                           0x7F7F7F7F7F7F7F7F, 0x00FF00FF00FF00FF, 0x0000000100000001, 0x80000000FFFFFFFF])
    if k < 0.3:
        return rng.getrandbits(64) & 0x00FF00FF00FF00FF
    if k < 0.4:
        return rng.randint(0, 70)
    return rng.getrandbits(64)


def fam_mmx(rng):
    out = []
    for n in range(1200):
        vals = [f80(rng.getrandbits(1), rng.choice([0x7FFF, rng.getrandbits(15)]), mmx_value(rng)) for _ in range(8)]
        st = State(rng, vals=vals[:rng.randint(0, 8)])
        st.random_cw()
        for i in range(8):
            st.st[i] = vals[i]
        mem = b''
        k = rng.random()
        d, s_ = rng.randint(0, 7), rng.randint(0, 7)
        if k < 0.6:
            op = rng.choice(MMX_BINARY)
            if rng.random() < 0.3:
                mem = le(mmx_value(rng), 8)
                code = bytes([0x0F, op]) + modrm_mem(d)
            else:
                code = bytes([0x0F, op, 0xC0 | (d << 3) | s_])
            name = 'mmx%02x' % op
        elif k < 0.75:
            opc, reg = rng.choice([(0x71, 2), (0x71, 4), (0x71, 6), (0x72, 2), (0x72, 4), (0x72, 6), (0x73, 2), (0x73, 6)])
            code = bytes([0x0F, opc, 0xC0 | (reg << 3) | d, rng.choice([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 200])])
            name = 'mmxshift%02x_%d' % (opc, reg)
        elif k < 0.95:
            opc = rng.choice([0x6E, 0x7E, 0x6F, 0x7F])
            if rng.random() < 0.5:
                mem = le(rng.getrandbits(64), 8)
                code = bytes([0x0F, opc]) + modrm_mem(d)
            else:
                # movd uses a general register: EAX, the one the harness compares
                code = bytes([0x0F, opc, 0xC0 | (d << 3) | (0 if opc in (0x6E, 0x7E) else s_)])
            name = 'mmxmov%02x' % opc
        else:
            code = b'\x0F\x77'
            name = 'emms'
        out.append(st.spec('%s_%d' % (name, n), code, mem))
    # MMX then x87: the aliasing seen from the FPU side
    for n in range(60):
        st = State(rng, vals=[rnd_normal(rng) for _ in range(rng.randint(0, 3))])
        code = bytes([0x0F, 0x6E, 0xC0 | (rng.randint(0, 7) << 3)]) + rng.choice([b'\xD9\xE5', b'\xDF\xE0', b'\xD9\xC1',
                                                                                 b'\x0F\x77\xD9\xE8', b'\xDD\xD8'])
        out.append(st.spec('mmxx87_%d' % n, code))
    return out


CHAIN_ARITH = [0, 1, 4, 5, 6, 7]     # add mul sub subr div divr (ModRM reg)


def chain_value(rng):
    """Mostly normal numbers of moderate range (the fast paths), some of anything."""
    k = rng.random()
    if k < 0.75:
        return rnd_normal(rng, 30)
    if k < 0.85:
        return rng.choice([0, f80(1, 0, 0), ONE])
    return rnd_any(rng)


def chain_f64(rng):
    k = rng.random()
    if k < 0.8:
        return (rng.getrandbits(1) << 63) | (rng.randint(1023 - 30, 1023 + 30) << 52) | rng.getrandbits(52)
    if k < 0.85:
        return rng.choice([0, 1 << 63])
    return f64_any(rng)


def chain_f32(rng):
    k = rng.random()
    if k < 0.8:
        return (rng.getrandbits(1) << 31) | (rng.randint(127 - 30, 127 + 30) << 23) | rng.getrandbits(23)
    return f32_any(rng)


def fam_chain(rng):
    """Random sequences of 2-8 of the hot instructions over a shared memory area:
    doubles at 0-63, singles at 64-95, int32 at 96-127, int16 at 128-143, stores from 160."""
    out = []
    for n in range(1000):
        st = State(rng, vals=[chain_value(rng) for _ in range(rng.randint(0, 5))])
        k = rng.random()
        if k < 0.5:
            st.cw = 0x037F
        elif k < 0.65:
            st.cw = 0x027F
        elif k < 0.72:
            st.cw = 0x007F
        else:
            st.random_cw()
        # Exceptions masked: an unmasked one would end the sequence in #MF, which the
        # single-instruction families already cover.
        st.cw |= 0x3F
        mem = b''.join(le(chain_f64(rng), 8) for _ in range(8)) + b''.join(le(chain_f32(rng), 4) for _ in range(8)) \
            + b''.join(le(int_any(rng, 32), 4) for _ in range(8)) + b''.join(le(int_any(rng, 16), 2) for _ in range(8))
        code = b''
        for _ in range(rng.randint(2, 8)):
            j = rng.randint(0, 7) if rng.random() < 0.3 else rng.randint(1, 3)
            r = rng.choice(CHAIN_ARITH)
            kind = rng.randint(0, 19)
            if kind == 0:
                code += b'\xDD' + modrm_mem_at(0, 8 * rng.randint(0, 7))            # fld m64
            elif kind == 1:
                code += b'\xD9' + modrm_mem_at(0, 64 + 4 * rng.randint(0, 7))       # fld m32
            elif kind == 2:
                code += rng.choice([b'\xDB' + modrm_mem_at(0, 96 + 4 * rng.randint(0, 7)),   # fild m32
                                    b'\xD9\xEE', b'\xD9\xE8'])                      # fldz fld1
            elif kind == 3:
                code += bytes([0xD9, 0xC0 | j])                                      # fld st(i)
            elif kind == 4:
                code += bytes([0xD9, 0xC8 | j])                                      # fxch
            elif kind in (5, 6, 7):
                code += bytes([rng.choice([0xD8, 0xDC, 0xDE]), 0xC0 | (r << 3) | j])   # st/sti/p forms
            elif kind in (8, 9):
                code += b'\xDC' + modrm_mem_at(r, 8 * rng.randint(0, 7))            # op m64
            elif kind == 10:
                code += rng.choice([b'\xD8' + modrm_mem_at(r, 64 + 4 * rng.randint(0, 7)),   # op m32
                                    b'\xDA' + modrm_mem_at(r, 96 + 4 * rng.randint(0, 7)),   # op m32int
                                    b'\xDE' + modrm_mem_at(r, 128 + 2 * rng.randint(0, 7))])  # op m16int
            elif kind in (11, 12):
                code += b'\xDD' + modrm_mem_at(rng.choice([2, 3]), 160 + 8 * rng.randint(0, 7))   # fst/fstp m64
            elif kind == 13:
                code += b'\xD9' + modrm_mem_at(rng.choice([2, 3]), 224 + 4 * rng.randint(0, 7))   # fst/fstp m32
            elif kind == 14:
                code += bytes([0xDD, rng.choice([0xD0, 0xD8]) | j])                  # fst/fstp st(i)
            elif kind == 15:
                code += bytes(rng.choice([[0xDB, 0xF0 | j], [0xDB, 0xE8 | j], [0xDF, 0xF0 | j], [0xDF, 0xE8 | j]]))
            elif kind == 16:
                code += bytes(rng.choice([[0xD8, 0xD0 | j], [0xD8, 0xD8 | j], [0xDD, 0xE0 | j], [0xDD, 0xE8 | j],
                                          [0xDE, 0xD9], [0xDA, 0xE9]]))
            elif kind == 17:
                code += rng.choice([b'\xD9\xFA', b'\xD9\xE0', b'\xD9\xE1'])     # fsqrt fchs fabs
            elif kind == 18:
                code += bytes([0xDC, 0xC0 | (r << 3) | j])                            # st(i) op st(0)
            else:
                code += bytes([0xDE, 0xC0 | (r << 3) | j])                            # op and pop
        out.append(st.spec('chain_%d' % n, code, mem))
    return out


FAMILIES = {
    'load': fam_load, 'store': fam_store, 'add': fam_add, 'mul': fam_mul, 'div': fam_div,
    'unary': fam_unary, 'binary': fam_binary, 'compare': fam_compare, 'compare_arith': fam_compare_arith,
    'stack': fam_stack, 'control': fam_control, 'trans': fam_trans, 'sequence': fam_sequence,
    'mmx': fam_mmx,
}
UNLISTED = {'chain': fam_chain}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    if sys.argv[1] == '--list':
        print(' '.join(FAMILIES))
        return
    fam = sys.argv[1]
    generate = FAMILIES.get(fam) or UNLISTED.get(fam)
    if generate is None:
        sys.exit('unknown family %s' % fam)
    seed = sum(ord(c) * 131 ** i for i, c in enumerate(fam)) & 0xFFFFFFFF
    if len(sys.argv) == 3:
        seed = int(sys.argv[2]) * 0x9E3779B1 ^ seed
    rng = random.Random(seed)
    print('# Gate x87 differential corpus, family "%s" -- generated by Tools/x87test/gen.py, recorded natively by '
          'Tools/x87test/harness.c. See Tools/x87test/README.md.' % fam)
    print('# name;code;CW SW TW;ST0..ST7;EAX EFLAGS;mem;CW SW TW FIP FOP FDP;ST0..ST7;EAX EFLAGS;memdiff;exc')
    for line in generate(rng):
        print(line)


if __name__ == '__main__':
    main()
