#!/usr/bin/env python3
"""Gate differential-test case generator.

usage: gen.py FAMILY        write the case specs of one family to stdout
       gen.py --list        list the families

Spec lines (harness input):  name;code;EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS;seed;mask;mode
mode 't' = single-step with TF, 'i' = run to an int3 placed after the instruction.
Everything is deterministic: each family has its own fixed-seed RNG.
See README.md for the machine model and the line format.
"""
import random
import sys

WIN = 0x30000F00          # 256-byte data window
WEND = 0x30001000         # first byte of the unmapped page
CODE_ADDR = 0x20000800
M32 = 0xFFFFFFFF

CF, PF, AF, ZF, SF, TF, IF, DF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800
NT, AC, ID = 0x4000, 0x40000, 0x200000
FULL = 0xCD5                      # CF PF AF ZF SF DF OF
LOGIC = FULL & ~AF                # and/or/xor/test: AF undefined
MULM = CF | OF | DF               # mul/imul: SF ZF AF PF undefined
DIVM = DF                         # div/idiv: all arithmetic flags undefined
BTM = CF | ZF | DF                # bt*: OF SF AF PF undefined, ZF unaffected
BSM = ZF | DF                     # bsf/bsr: CF OF SF AF PF undefined
FLAGSM = 0x003E7ED5               # pushf/popf: + IF IOPL NT VM AC VIF VIP ID

EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI = range(8)
COND = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g']


def window_bytes(seed):
    x = seed
    out = bytearray()
    for _ in range(64):
        x ^= (x << 13) & M32
        x ^= x >> 17
        x ^= (x << 5) & M32
        out += x.to_bytes(4, 'little')
    return out


def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def le(v, nbytes):
    return (v & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, 'little')


def edges(bits):
    m = (1 << bits) - 1
    h = 1 << (bits - 1)
    return [0, 1, 2, h - 1, h, h + 1, m, m - 1, 0x55555555 & m, 0xAAAAAAAA & m, h >> 1, 0x0F & m,
            0xF0 & m, (h >> 1) - 1]


def val(rng, bits, pedge=0.5):
    p = rng.random()
    if p < pedge:
        return rng.choice(edges(bits))
    if p < pedge + 0.1:
        return rng.randrange(17)
    return rng.getrandbits(bits)


def rand_efl(rng):
    e = 0x202
    for f in (CF, PF, AF, ZF, SF, OF, DF):
        if rng.random() < 0.5:
            e |= f
    return e


def rand_esp(rng, lo=WIN + 4, hi=WEND, align=None):
    """ESP in [lo, hi]; mostly 4-aligned."""
    if align is None:
        align = 4 if rng.random() < 0.75 else 1
    lo2 = (lo + align - 1) // align * align
    return lo2 + align * rng.randrange((hi - lo2) // align + 1)


class Case:
    def __init__(self, rng, name, esp=None, efl=None):
        self.rng = rng
        self.name = name
        self.regs = [None] * 8
        self.locked = [False] * 8
        self.seed = rng.randrange(1, 1 << 32)
        self.efl = rand_efl(rng) if efl is None else efl
        self.regs[ESP] = rand_esp(rng) if esp is None else esp
        self.locked[ESP] = True
        self.mask = FULL
        self.maskfn = None
        self.mode = 't'
        self.code = b''
        self._win = None

    # ---- registers ----
    def r32(self, r):
        if self.regs[r] is None:
            self.regs[r] = self.rng.getrandbits(32)
        return self.regs[r]

    def get(self, r, bits=32):
        if bits == 8:
            return (self.r32(r & 3) >> (8 * (r >> 2))) & 0xFF
        return self.r32(r) & ((1 << bits) - 1)

    def set(self, r, v, bits=32):
        """Set a register (8-bit: AL CL DL BL AH CH DH BH numbering). Locked registers
        (ESP, base/index registers of the memory operand) keep their value."""
        R = r & 3 if bits == 8 else r
        if self.locked[R]:
            return False
        cur = self.r32(R)
        if bits == 8:
            sh = 8 * (r >> 2)
            self.regs[R] = (cur & ~(0xFF << sh) & M32) | ((v & 0xFF) << sh)
        elif bits == 16:
            self.regs[R] = (cur & 0xFFFF0000) | (v & 0xFFFF)
        else:
            self.regs[R] = v & M32
        return True

    def lock(self, r, v=None):
        if v is not None:
            self.regs[r] = v & M32
        self.r32(r)
        self.locked[r] = True

    def set_esp(self, v):
        assert WIN + 4 <= v <= WEND and self._win is None
        self.regs[ESP] = v

    # ---- memory (the window as seen by the instruction) ----
    def win(self):
        if self._win is None:
            w = window_bytes(self.seed)
            o = self.regs[ESP] - 4 - WIN
            w[o:o + 4] = le(self.efl | TF, 4)
            self._win = w
            self._key = (self.seed, self.regs[ESP], self.efl)
        return self._win

    def read(self, addr, size):
        o = addr - WIN
        assert 0 <= o and o + size <= 256, hex(addr)
        return int.from_bytes(self.win()[o:o + size], 'little')

    def line(self):
        for r in range(8):
            self.r32(r)
        if self._win is not None:
            assert self._key == (self.seed, self.regs[ESP], self.efl), self.name
        assert WIN + 4 <= self.regs[ESP] <= WEND
        assert self.efl & 0x302 == 0x202
        mask = self.maskfn(self) if self.maskfn else self.mask
        regs = ' '.join('%08x' % v for v in self.regs + [self.efl])
        assert 1 <= len(self.code) <= 15
        return '%s;%s;%s;%08x;%08x;%s' % (self.name, self.code.hex(), regs, self.seed, mask, self.mode)


# ---------------------------------------------------------------------------
# memory operands
# ---------------------------------------------------------------------------

def rand_disp8(rng):
    if rng.random() < 0.25:
        return rng.choice([0, 1, -1, 4, -4, 0x7F, -0x80])
    return rng.randint(-128, 127)


def rand_disp32(rng):
    p = rng.random()
    if p < 0.6:
        return rng.randint(-300, 300)
    if p < 0.8:
        return rng.choice([0, 0x7FFFFFFF, -0x80000000, 0x100, -0x100, 0x10000, -0x10000, WIN, -WIN])
    return sx(rng.getrandbits(32), 32)


def rand_index(rng):
    p = rng.random()
    if p < 0.5:
        return rng.randint(0, 64)
    if p < 0.7:
        return (-rng.randint(1, 64)) & M32
    if p < 0.85:
        return rng.getrandbits(32)
    return WIN + rng.randrange(256)


class Mem:
    def __init__(self, mod, rm, tail, ea, size):
        self.mod, self.rm, self.tail, self.ea, self.size = mod, rm, tail, ea, size


def mem32(c, size, lo=WIN, hi=WEND, avoid=(), esp_delta=0, nosplit=False, align=1, target=None,
          kinds=None, esp_base=False):
    """Pick a 32-bit addressing form whose effective address T satisfies lo <= T, T+size <= hi.
    Locks the base/index registers with the values that produce T."""
    rng = c.rng
    DR = {0: (0, 0), 1: (-128, 127), 4: (-(1 << 31), (1 << 31) - 1)}
    for _ in range(5000):
        if target is not None:
            t = target
        else:
            t = rng.randint(lo, hi - size)
            t -= t % align
            if t < lo:
                continue
            if nosplit and (t % 64) + size > 64:
                continue
        kind = rng.choices(['base', 'disp32', 'bd8', 'bd32', 'sib'], weights=[2, 1, 2, 1, 5])[0] \
            if kinds is None else rng.choice(kinds)
        base = index = sib = None
        scale = 0
        if kind == 'base':
            mod, dsz = 0, 0
            base = rng.choice([0, 1, 2, 3, 6, 7])
            rm = base
        elif kind == 'disp32':
            mod, rm, dsz = 0, 5, 4
        elif kind in ('bd8', 'bd32'):
            mod = 1 if kind == 'bd8' else 2
            dsz = 1 if mod == 1 else 4
            base = rng.choice([0, 1, 2, 3, 5, 6, 7])
            rm = base
        else:
            mod = rng.choice([0, 1, 2])
            rm = 4
            b, i, scale = rng.randrange(8), rng.randrange(8), rng.randrange(4)
            if esp_base:
                b, mod = ESP, rng.choice([0, 1, 1, 2])
            sib = (scale << 6) | (i << 3) | b
            base = b
            if b == 5 and mod == 0:
                base, dsz = None, 4
            else:
                dsz = [0, 1, 4][mod]
            index = None if i == 4 else i
        if base in avoid or index in avoid:
            continue
        s = 1 << scale

        def fixed(r):
            return c.locked[r]

        def v(r):
            x = c.regs[r]
            return (x + esp_delta) & M32 if r == ESP else x

        disp = 0 if dsz == 0 else (rand_disp8(rng) if dsz == 1 else rand_disp32(rng))
        B = I = None
        if base is not None and index is not None and base == index:
            f = 1 + s
            if fixed(base):
                disp = sx((t - v(base) * f) & M32, 32)
            elif f == 2:
                if (t - disp) & 1:
                    if dsz == 0:
                        continue
                    disp += 1
                B = I = (((t - disp) & M32) >> 1) | (rng.getrandbits(1) << 31)
            else:
                B = I = ((t - disp) * pow(f, -1, 1 << 32)) & M32
        elif base is not None and index is not None:
            if fixed(base) and fixed(index):
                disp = sx((t - v(base) - v(index) * s) & M32, 32)
            elif fixed(index):
                B = (t - disp - v(index) * s) & M32
            elif fixed(base):
                D = (t - disp - v(base)) & M32
                rem = D % s
                if rem:
                    if dsz == 0:
                        continue
                    disp += rem
                    D -= rem
                I = (D // s + rng.randrange(s) * ((1 << 32) // s)) & M32
            else:
                I = rand_index(rng)
                B = (t - disp - I * s) & M32
        elif base is not None:
            if fixed(base):
                disp = sx((t - v(base)) & M32, 32)
            else:
                B = (t - disp) & M32
        elif index is not None:
            if fixed(index):
                disp = sx((t - v(index) * s) & M32, 32)
            else:
                I = rand_index(rng)
                disp = sx((t - I * s) & M32, 32)
        else:
            disp = sx(t, 32)
        lo_d, hi_d = DR[dsz]
        if not (lo_d <= disp <= hi_d):
            continue
        # commit
        if B is not None:
            c.lock(base, B)
        if I is not None:
            c.lock(index, I)
        for r in (base, index):
            if r is not None:
                c.lock(r)
        # verify
        ea = disp
        if base is not None:
            ea += v(base)
        if index is not None:
            ea += v(index) * s
        assert ea & M32 == t, (kind, hex(t), hex(ea & M32))
        tail = (bytes([sib]) if sib is not None else b'') + (le(disp, dsz) if dsz else b'')
        return Mem(mod, rm, tail, t, size)
    raise RuntimeError('no addressing form found')


class Op:
    """A ModRM operand pair: reg field (register or /digit) and r/m (register or memory)."""

    def __init__(self, c, rm_bits, reg_bits):
        self.c = c
        self.rm_bits, self.reg_bits = rm_bits, reg_bits
        self.mem = None
        self.rmr = None
        self.reg = None
        self.bytes = b''

    def rm_value(self, bits=None):
        bits = bits or self.rm_bits
        if self.mem is not None:
            return self.c.read(self.mem.ea, bits // 8)
        return self.c.get(self.rmr, bits)

    def reg_value(self, bits=None):
        return self.c.get(self.reg, bits or self.reg_bits)


def pick_reg(rng, bits, p_esp=0.05, exclude=()):
    while True:
        r = rng.randrange(8)
        if r in exclude:
            continue
        if bits != 8 and r == ESP and rng.random() > p_esp:
            continue
        return r


def modrm(c, reg, rm_bits, reg_bits=None, pmem=0.4, mem_size=None, mem_only=False, reg_only=False,
          avoid_reg_in_addr=False, rmval=None, regval=None, pedge=0.5, same_ok=0.08, p_esp=0.05, **memkw):
    """Build ModRM(+SIB+disp). reg: 'r' for a register operand in the reg field or an int /digit.
    Values: reg operand and register r/m operand get edge/random values unless given."""
    rng = c.rng
    reg_bits = reg_bits or rm_bits
    op = Op(c, rm_bits, reg_bits)
    if reg == 'r':
        op.reg = pick_reg(rng, reg_bits, p_esp)
        regfield = op.reg
    else:
        regfield = reg
    use_mem = mem_only or (not reg_only and rng.random() < pmem)
    avoid = tuple(memkw.pop('avoid', ()))
    if use_mem:
        if avoid_reg_in_addr and op.reg is not None:
            avoid += (op.reg & 3,) if reg_bits == 8 else (op.reg,)
        op.mem = mem32(c, mem_size or max(rm_bits // 8, 1), avoid=avoid, **memkw)
        mod, rm, tail = op.mem.mod, op.mem.rm, op.mem.tail
    else:
        if op.reg is not None and rng.random() < same_ok and reg_bits == rm_bits:
            op.rmr = op.reg
        else:
            op.rmr = pick_reg(rng, rm_bits, p_esp, exclude=(op.reg,) if op.reg is not None else ())
        mod, rm, tail = 3, op.rmr, b''
        c.set(op.rmr, val(rng, rm_bits, pedge) if rmval is None else rmval, rm_bits)
    if op.reg is not None and op.reg != op.rmr:
        c.set(op.reg, val(rng, reg_bits, pedge) if regval is None else regval, reg_bits)
    op.bytes = bytes([(mod << 6) | (regfield << 3) | rm]) + tail
    return op


class Gen:
    def __init__(self, fam):
        self.rng = random.Random('gate-difftest-' + fam)
        self.out = []
        self.fam = fam

    def case(self, name, **kw):
        return Case(self.rng, name, **kw)

    def emit(self, c):
        self.out.append(c.line())

    def comment(self, text):
        self.out.append('# ' + text)


FAMILIES = {}


def family(name):
    def deco(f):
        FAMILIES[name] = f
        return f
    return deco


def P(bits):
    return b'\x66' if bits == 16 else b''


def imm(rng, bits, pedge=0.5):
    return val(rng, bits, pedge)


def simple_rm(g, name, opc, reg, rm_bits, reg_bits=None, imm_bits=0, immv=None, mask=FULL, n=120,
              setup=None, **kw):
    """Generic ModRM instruction generator: prefix/opcode bytes opc, then ModRM, then immediate."""
    for _ in range(n):
        c = g.case(name)
        op = modrm(c, reg, rm_bits, reg_bits, **kw)
        code = bytes(opc) + op.bytes
        if imm_bits:
            iv = imm(g.rng, imm_bits) if immv is None else immv(g.rng)
            code += le(iv, imm_bits // 8)
        c.code = code
        c.mask = mask
        if setup:
            setup(c, op)
        g.emit(c)


# ---------------------------------------------------------------------------
# families
# ---------------------------------------------------------------------------

ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']


@family('alu')
def fam_alu(g):
    rng = g.rng
    N = 120
    for n, op in enumerate(ALU):
        m = LOGIC if op in ('and', 'or', 'xor') else FULL
        b = n * 8
        simple_rm(g, f'{op}_rm8_r8', [b], 'r', 8, mask=m, n=N)
        simple_rm(g, f'{op}_rm32_r32', [b + 1], 'r', 32, mask=m, n=N)
        simple_rm(g, f'{op}_rm16_r16', [0x66, b + 1], 'r', 16, mask=m, n=N)
        simple_rm(g, f'{op}_r8_rm8', [b + 2], 'r', 8, mask=m, n=N)
        simple_rm(g, f'{op}_r32_rm32', [b + 3], 'r', 32, mask=m, n=N)
        simple_rm(g, f'{op}_r16_rm16', [0x66, b + 3], 'r', 16, mask=m, n=N)
        for bits, name, opc in ((8, 'al_imm8', [b + 4]), (32, 'eax_imm32', [b + 5]),
                                (16, 'ax_imm16', [0x66, b + 5])):
            for _ in range(N):
                c = g.case(f'{op}_{name}')
                c.set(EAX, val(rng, bits), bits)
                c.code = bytes(opc) + le(imm(rng, bits), bits // 8)
                c.mask = m
                g.emit(c)
        simple_rm(g, f'{op}_rm8_imm8', [0x80], n, 8, imm_bits=8, mask=m, n=N)
        simple_rm(g, f'{op}_rm32_imm32', [0x81], n, 32, imm_bits=32, mask=m, n=N)
        simple_rm(g, f'{op}_rm16_imm16', [0x66, 0x81], n, 16, imm_bits=16, mask=m, n=N)
        simple_rm(g, f'{op}_rm32_simm8', [0x83], n, 32, imm_bits=8, mask=m, n=N)
        simple_rm(g, f'{op}_rm16_simm8', [0x66, 0x83], n, 16, imm_bits=8, mask=m, n=N)
        simple_rm(g, f'{op}_rm8_imm8_op82', [0x82], n, 8, imm_bits=8, mask=m, n=25)
    # inc / dec
    for d, op in ((0, 'inc'), (1, 'dec')):
        simple_rm(g, f'{op}_rm8', [0xFE], d, 8, n=150)
        simple_rm(g, f'{op}_rm32', [0xFF], d, 32, n=150)
        simple_rm(g, f'{op}_rm16', [0x66, 0xFF], d, 16, n=150)
        for bits in (32, 16):
            for _ in range(150):
                c = g.case(f'{op}_r{bits}_short')
                r = pick_reg(rng, bits)
                c.set(r, val(rng, bits), bits)
                c.code = P(bits) + bytes([0x40 + 8 * d + r])
                g.emit(c)
    # not / neg
    for d, op in ((2, 'not'), (3, 'neg')):
        simple_rm(g, f'{op}_rm8', [0xF6], d, 8, n=150)
        simple_rm(g, f'{op}_rm32', [0xF7], d, 32, n=150)
        simple_rm(g, f'{op}_rm16', [0x66, 0xF7], d, 16, n=150)
    # test
    simple_rm(g, 'test_rm8_r8', [0x84], 'r', 8, mask=LOGIC, n=150)
    simple_rm(g, 'test_rm32_r32', [0x85], 'r', 32, mask=LOGIC, n=150)
    simple_rm(g, 'test_rm16_r16', [0x66, 0x85], 'r', 16, mask=LOGIC, n=150)
    for bits, name, opc in ((8, 'al_imm8', [0xA8]), (32, 'eax_imm32', [0xA9]), (16, 'ax_imm16', [0x66, 0xA9])):
        for _ in range(150):
            c = g.case('test_' + name)
            c.set(EAX, val(rng, bits), bits)
            c.code = bytes(opc) + le(imm(rng, bits), bits // 8)
            c.mask = LOGIC
            g.emit(c)
    simple_rm(g, 'test_rm8_imm8', [0xF6], 0, 8, imm_bits=8, mask=LOGIC, n=150)
    simple_rm(g, 'test_rm32_imm32', [0xF7], 0, 32, imm_bits=32, mask=LOGIC, n=150)
    simple_rm(g, 'test_rm16_imm16', [0x66, 0xF7], 0, 16, imm_bits=16, mask=LOGIC, n=150)


# ---------------------------------------------------------------------------

def div_outcome(signed, bits, dividend, divisor):
    """True when the division faults (#DE)."""
    if divisor == 0:
        return True
    if signed:
        a, b = sx(dividend, 2 * bits), sx(divisor, bits)
        q = abs(a) // abs(b)
        if (a < 0) != (b < 0):
            q = -q
        return not (-(1 << (bits - 1)) <= q < (1 << (bits - 1)))
    return dividend // divisor >= (1 << bits)


def get_dividend(c, bits):
    if bits == 8:
        return c.get(EAX, 16)
    if bits == 16:
        return (c.get(EDX, 16) << 16) | c.get(EAX, 16)
    return (c.get(EDX) << 32) | c.get(EAX)


def set_dividend(c, bits, v):
    v &= (1 << (2 * bits)) - 1
    if bits == 8:
        c.set(EAX, v, 16)
    else:
        c.set(EAX, v & ((1 << bits) - 1), bits)
        c.set(EDX, v >> bits, bits)


def div_case(g, name, opc, digit, bits, signed):
    rng = g.rng
    c = g.case(name)
    excl8 = (0, 4)  # AL, AH
    excl = (EAX, EDX)
    scen = rng.choices(['ok', 'zero', 'ovf'], weights=[72, 12, 16])[0]
    if rng.random() < 0.35:
        op = modrm(c, digit, bits, mem_only=True, avoid=(EAX, EDX))
    else:
        op = Op(c, bits, bits)
        op.rmr = pick_reg(rng, bits, p_esp=0.0, exclude=excl8 if bits == 8 else excl)
        if scen == 'zero':
            dv = 0
        else:
            dv = val(rng, bits, 0.4)
            while dv == 0:
                dv = val(rng, bits, 0.4)
        c.set(op.rmr, dv, bits)
        op.bytes = bytes([0xC0 | (digit << 3) | op.rmr])
    d = op.rm_value()
    W = 1 << bits
    if d == 0:
        set_dividend(c, bits, val(rng, 2 * bits))
    elif scen != 'ovf':
        if signed:
            ds = sx(d, bits)
            q = sx(val(rng, bits, 0.5), bits)
            # keep the quotient representable
            p = q * ds
            r = rng.randrange(abs(ds))
            if p < 0 or (p == 0 and rng.random() < 0.5):
                r = -r
            a = p + r
            if not (-(1 << (2 * bits - 1)) <= a < (1 << (2 * bits - 1))):
                a = p
            set_dividend(c, bits, a)
        else:
            q = val(rng, bits, 0.5)
            r = rng.randrange(d)
            set_dividend(c, bits, q * d + r)
    else:
        if signed:
            ds = sx(d, bits)
            lim = (1 << (2 * bits - 1)) // abs(ds)
            lo = 1 << (bits - 1)
            if lim <= lo:
                set_dividend(c, bits, val(rng, 2 * bits))
            else:
                q = rng.choice([lo, rng.randint(lo, lim - 1)])
                if rng.random() < 0.5:
                    q = -q - rng.choice([0, 1])
                    if abs(q) >= lim:
                        q = -lo - 1
                set_dividend(c, bits, q * ds)
        else:
            hi = rng.randrange(d, W)
            set_dividend(c, bits, (hi << bits) | rng.getrandbits(bits))
    c.code = bytes(opc) + op.bytes

    def mk(c, op=op):
        return FULL if div_outcome(signed, bits, get_dividend(c, bits), op.rm_value()) else DIVM
    c.maskfn = mk
    g.emit(c)


@family('muldiv')
def fam_muldiv(g):
    rng = g.rng
    N = 200
    for digit, op in ((4, 'mul'), (5, 'imul')):
        simple_rm(g, f'{op}_rm8', [0xF6], digit, 8, mask=MULM, n=N,
                  setup=lambda c, o: c.set(EAX, val(c.rng, 8), 8))
        simple_rm(g, f'{op}_rm32', [0xF7], digit, 32, mask=MULM, n=N,
                  setup=lambda c, o: c.set(EAX, val(c.rng, 32), 32))
        simple_rm(g, f'{op}_rm16', [0x66, 0xF7], digit, 16, mask=MULM, n=N,
                  setup=lambda c, o: c.set(EAX, val(c.rng, 16), 16))
    simple_rm(g, 'imul_r32_rm32', [0x0F, 0xAF], 'r', 32, mask=MULM, n=N)
    simple_rm(g, 'imul_r16_rm16', [0x66, 0x0F, 0xAF], 'r', 16, mask=MULM, n=N)
    simple_rm(g, 'imul_r32_rm32_imm32', [0x69], 'r', 32, imm_bits=32, mask=MULM, n=N)
    simple_rm(g, 'imul_r16_rm16_imm16', [0x66, 0x69], 'r', 16, imm_bits=16, mask=MULM, n=N)
    simple_rm(g, 'imul_r32_rm32_simm8', [0x6B], 'r', 32, imm_bits=8, mask=MULM, n=N)
    simple_rm(g, 'imul_r16_rm16_simm8', [0x66, 0x6B], 'r', 16, imm_bits=8, mask=MULM, n=N)
    for digit, op, signed in ((6, 'div', False), (7, 'idiv', True)):
        for bits, opc in ((8, [0xF6]), (32, [0xF7]), (16, [0x66, 0xF7])):
            for _ in range(250):
                div_case(g, f'{op}_rm{bits}', opc, digit, bits, signed)


# ---------------------------------------------------------------------------

SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar']


def shift_mask(op, count, width):
    n = count & 31
    if n == 0:
        return FULL
    if op in ('rol', 'ror', 'rcl', 'rcr'):
        return FULL if n == 1 else FULL & ~OF
    m = FULL & ~AF
    if n != 1:
        m &= ~OF
    if op in ('shl', 'shr', 'sal') and n >= width:
        m &= ~CF
    return m


def shift_count(rng, width):
    p = rng.random()
    if p < 0.6:
        return rng.choice([0, 1, 2, width - 1, width, width + 1, 31, 32, 33, 63, 64, 0xFF, 0x80, 17, 9, 16, 8, 7])
    if p < 0.85:
        return rng.randrange(32)
    return rng.randrange(256)


@family('shift')
def fam_shift(g):
    rng = g.rng
    for digit, op in enumerate(SHIFTS):
        N = 25 if op == 'sal' else 150
        nm = 'sal6' if op == 'sal' else op
        for bits in (8, 32, 16):
            opD0 = P(bits) + bytes([0xD0 if bits == 8 else 0xD1])
            opD2 = P(bits) + bytes([0xD2 if bits == 8 else 0xD3])
            opC0 = P(bits) + bytes([0xC0 if bits == 8 else 0xC1])
            # by 1
            for _ in range(N):
                c = g.case(f'{nm}_rm{bits}_1')
                o = modrm(c, digit, bits, pmem=0.3)
                c.code = opD0 + o.bytes
                c.mask = shift_mask(op, 1, bits)
                g.emit(c)
            # by CL
            for _ in range(N):
                c = g.case(f'{nm}_rm{bits}_cl')
                c.set(ECX, shift_count(rng, bits), 8)
                o = modrm(c, digit, bits, pmem=0.3, avoid=(ECX,))
                if o.rmr == ECX or (bits == 8 and o.rmr == 1):
                    c.set(ECX, shift_count(rng, bits), 8)
                c.code = opD2 + o.bytes
                c.maskfn = lambda c, op=op, bits=bits: shift_mask(op, c.get(ECX, 8), bits)
                g.emit(c)
            # by imm8
            for _ in range(N):
                c = g.case(f'{nm}_rm{bits}_imm8')
                o = modrm(c, digit, bits, pmem=0.3)
                cnt = shift_count(rng, bits)
                c.code = opC0 + o.bytes + bytes([cnt])
                c.mask = shift_mask(op, cnt, bits)
                g.emit(c)
    # shld / shrd
    for name, base in (('shld', 0xA4), ('shrd', 0xAC)):
        for bits in (32, 16):
            for kind in ('imm8', 'cl'):
                for _ in range(200):
                    c = g.case(f'{name}_rm{bits}_r{bits}_{kind}')
                    while True:
                        cnt = shift_count(rng, bits)
                        if bits == 32 or (cnt & 31) <= 16:
                            break
                    if kind == 'cl':
                        c.set(ECX, cnt, 8)
                        o = modrm(c, 'r', bits, pmem=0.3, avoid=(ECX,))
                        if c.get(ECX, 8) != cnt:
                            # ECX was used as an operand: its value decides the count
                            o.bytes = None
                        c.code = P(bits) + bytes([0x0F, base + 1]) + (o.bytes or b'')
                    else:
                        o = modrm(c, 'r', bits, pmem=0.3)
                        c.code = P(bits) + bytes([0x0F, base]) + o.bytes + bytes([cnt])
                    if o.bytes is None:
                        continue
                    n = cnt & 31
                    c.mask = FULL if n == 0 else (FULL & ~AF if n == 1 else FULL & ~AF & ~OF)
                    g.emit(c)


# ---------------------------------------------------------------------------

@family('bit')
def fam_bit(g):
    rng = g.rng
    for k, op in enumerate(['bt', 'bts', 'btr', 'btc']):
        opr = 0xA3 + 8 * k
        for bits in (32, 16):
            # bit offset in a register
            for _ in range(200):
                c = g.case(f'{op}_rm{bits}_r{bits}')
                if rng.random() < 0.5:
                    o = modrm(c, 'r', bits, reg_only=True)
                    c.set(o.reg, rng.choice([rng.randrange(64), rng.getrandbits(bits), val(rng, bits)]), bits)
                else:
                    # memory: the bit offset selects another unit relative to EA (also negative
                    # offsets); the accessed unit A always lies inside the window
                    o = Op(c, bits, bits)
                    o.reg = pick_reg(rng, bits, p_esp=0.0)
                    step = bits // 8
                    A = rng.randint(WIN, WEND - 4)
                    if rng.random() < 0.8:
                        kk = rng.randint(-((WEND - 4 - A) // step), (A - WIN) // step)   # EA in window
                    else:
                        kk = rng.choice([-1, 1]) * rng.randint(64, 2000)            # EA far away
                    ea = A - step * kk
                    m = mem32(c, 1, target=ea & M32, avoid=(o.reg,))
                    off = kk * bits + rng.randrange(bits)   # EA + step*floor(off/bits) == A
                    if bits == 16:
                        assert -32768 <= off < 32768
                        c.set(o.reg, (off & 0xFFFF) | (rng.getrandbits(16) << 16))
                    else:
                        c.set(o.reg, off & M32)
                    o.mem = m
                    o.bytes = bytes([(m.mod << 6) | (o.reg << 3) | m.rm]) + m.tail
                c.code = P(bits) + bytes([0x0F, opr]) + o.bytes
                c.mask = BTM
                g.emit(c)
            # immediate bit offset
            for _ in range(200):
                c = g.case(f'{op}_rm{bits}_imm8')
                o = modrm(c, 4 + k, bits, pmem=0.4)
                ib = rng.choice([rng.randrange(bits), rng.randrange(256), 0, bits - 1, bits, 31, 32, 255])
                c.code = P(bits) + bytes([0x0F, 0xBA]) + o.bytes + bytes([ib])
                c.mask = BTM
                g.emit(c)
    single = lambda rng, bits: (1 << rng.randrange(bits)) | (rng.getrandbits(bits) & ~((2 << rng.randrange(bits)) - 1) if rng.random() < 0.5 else 0)
    for name, opc in (('bsf', 0xBC), ('bsr', 0xBD)):
        for bits in (32, 16):
            for _ in range(250):
                c = g.case(f'{name}_r{bits}_rm{bits}')
                rv = None
                if rng.random() < 0.3:
                    rv = single(rng, bits) & ((1 << bits) - 1) or 1
                o = modrm(c, 'r', bits, rmval=rv)
                if o.rm_value() == 0:
                    c.name += '_src0'
                c.code = P(bits) + bytes([0x0F, opc]) + o.bytes
                c.mask = BSM
                g.emit(c)
            for _ in range(40):
                c = g.case(f'{name}_r{bits}_rm{bits}_src0')
                o = modrm(c, 'r', bits, reg_only=True, rmval=0, same_ok=0)
                c.code = P(bits) + bytes([0x0F, opc]) + o.bytes
                c.mask = BSM
                if o.rm_value() != 0:
                    continue
                g.emit(c)


# ---------------------------------------------------------------------------

@family('cond')
def fam_cond(g):
    rng = g.rng
    for cc in range(16):
        simple_rm(g, f'set{COND[cc]}_rm8', [0x0F, 0x90 + cc], 0, 8, n=120)
    for cc in range(16):
        simple_rm(g, f'cmov{COND[cc]}_r32_rm32', [0x0F, 0x40 + cc], 'r', 32, n=120)
        simple_rm(g, f'cmov{COND[cc]}_r16_rm16', [0x66, 0x0F, 0x40 + cc], 'r', 16, n=100)


# ---------------------------------------------------------------------------

def rel8(rng):
    return rng.choice([0, 1, -2, 0x7F, -0x80, rng.randint(-128, 127), rng.randint(-128, 127)]) & 0xFF


def rel32(rng):
    return rng.choice([0, 1, -5, 0x7FFFFFFF, -0x80000000, rng.randint(-4096, 4096),
                       rng.getrandbits(32), rng.getrandbits(32)]) & M32


@family('control')
def fam_control(g):
    rng = g.rng
    for cc in range(16):
        for _ in range(60):
            c = g.case(f'j{COND[cc]}_rel8')
            c.code = bytes([0x70 + cc, rel8(rng)])
            g.emit(c)
        for _ in range(60):
            c = g.case(f'j{COND[cc]}_rel32')
            c.code = bytes([0x0F, 0x80 + cc]) + le(rel32(rng), 4)
            g.emit(c)
        for _ in range(8):
            c = g.case(f'j{COND[cc]}_rel16')
            c.code = bytes([0x66, 0x0F, 0x80 + cc]) + le(rng.getrandbits(16), 2)
            g.emit(c)
        for _ in range(4):
            c = g.case(f'j{COND[cc]}_rel8_o16')
            c.code = bytes([0x66, 0x70 + cc, rel8(rng)])
            g.emit(c)
    for _ in range(100):
        c = g.case('jmp_rel8')
        c.code = bytes([0xEB, rel8(rng)])
        g.emit(c)
    for _ in range(100):
        c = g.case('jmp_rel32')
        c.code = bytes([0xE9]) + le(rel32(rng), 4)
        g.emit(c)
    for _ in range(30):
        c = g.case('jmp_rel16')
        c.code = bytes([0x66, 0xE9]) + le(rng.getrandbits(16), 2)
        g.emit(c)
    simple_rm(g, 'jmp_rm32', [0xFF], 4, 32, n=150, pedge=0.2)
    simple_rm(g, 'jmp_rm16', [0x66, 0xFF], 4, 16, n=40, pedge=0.2)
    # call
    for _ in range(150):
        c = g.case('call_rel32')
        c.code = bytes([0xE8]) + le(rel32(rng), 4)
        g.emit(c)
    for _ in range(30):
        c = g.case('call_rel16')
        c.code = bytes([0x66, 0xE8]) + le(rng.getrandbits(16), 2)
        g.emit(c)
    simple_rm(g, 'call_rm32', [0xFF], 2, 32, n=150, pedge=0.2)
    simple_rm(g, 'call_rm32_espbase', [0xFF], 2, 32, n=30, mem_only=True, kinds=['sib'], esp_base=True)
    simple_rm(g, 'call_rm16', [0x66, 0xFF], 2, 16, n=40, pedge=0.2)
    # ret
    for name, opc, sz, hasimm in (('ret', [0xC3], 4, False), ('ret_imm16', [0xC2], 4, True),
                                  ('ret_o16', [0x66, 0xC3], 2, False), ('ret_imm16_o16', [0x66, 0xC2], 2, True),
                                  ('ret_rep', [0xF3, 0xC3], 4, False)):
        for _ in range(30 if 'o16' in name or 'rep' in name else 150):
            c = g.case(name, esp=rand_esp(rng, hi=WEND - sz))
            code = bytes(opc)
            if hasimm:
                code += le(rng.choice([0, 4, 8, 2, 1, 0xFFFF, 0x8000, rng.getrandbits(16)]), 2)
            c.code = code
            g.emit(c)
    # loop family / jecxz
    def ecxval(rng, w):
        return rng.choice([0, 1, 2, 3, 0x10000, 0x10001, 0xFFFF, 0xFFFFFFFF, rng.getrandbits(32),
                           (rng.getrandbits(16) << 16) | rng.choice([0, 1, 2])]) & M32
    for name, opc in (('loopne', 0xE0), ('loope', 0xE1), ('loop', 0xE2), ('jecxz', 0xE3)):
        for a16 in (False, True):
            for _ in range(40 if a16 else 150):
                c = g.case(name.replace('ecx', 'cx') + '_a16' if a16 else name)
                c.set(ECX, ecxval(rng, 32))
                c.code = (b'\x67' if a16 else b'') + bytes([opc, rel8(rng)])
                g.emit(c)


# ---------------------------------------------------------------------------

@family('stack')
def fam_stack(g):
    rng = g.rng
    for bits in (32, 16):
        sz = bits // 8
        for _ in range(160 if bits == 32 else 80):
            c = g.case(f'push_r{bits}')
            r = rng.randrange(8)
            c.set(r, val(rng, bits), bits)
            c.code = P(bits) + bytes([0x50 + r])
            g.emit(c)
        for _ in range(160 if bits == 32 else 80):
            c = g.case(f'pop_r{bits}', esp=rand_esp(rng, hi=WEND - sz))
            c.code = P(bits) + bytes([0x58 + rng.randrange(8)])
            g.emit(c)
        # push imm
        for _ in range(100):
            c = g.case(f'push_simm8' + ('_o16' if bits == 16 else ''))
            c.code = P(bits) + bytes([0x6A, imm(rng, 8)])
            g.emit(c)
        for _ in range(100):
            c = g.case(f'push_imm{bits}')
            c.code = P(bits) + bytes([0x68]) + le(imm(rng, bits), sz)
            g.emit(c)
        # push r/m  (EA computed before ESP is decremented)
        simple_rm(g, f'push_rm{bits}', P(bits) + b'\xFF', 6, bits, n=150, pmem=0.6)
        # pop r/m   (EA computed after ESP is incremented)
        for _ in range(150):
            c = g.case(f'pop_rm{bits}', esp=rand_esp(rng, hi=WEND - sz))
            o = modrm(c, 0, bits, pmem=0.7, esp_delta=sz)
            c.code = P(bits) + b'\x8F' + o.bytes
            g.emit(c)
        # [esp+...] addressing: push uses ESP before the decrement, pop after the increment
        for _ in range(40):
            c = g.case(f'push_rm{bits}_espbase')
            o = modrm(c, 6, bits, mem_only=True, kinds=['sib'], esp_base=True)
            c.code = P(bits) + b'\xFF' + o.bytes
            g.emit(c)
        for _ in range(40):
            c = g.case(f'pop_rm{bits}_espbase', esp=rand_esp(rng, hi=WEND - sz))
            o = modrm(c, 0, bits, mem_only=True, kinds=['sib'], esp_base=True, esp_delta=sz)
            c.code = P(bits) + b'\x8F' + o.bytes
            g.emit(c)
        # pusha / popa
        for _ in range(150):
            c = g.case('pushad' if bits == 32 else 'pushaw', esp=rand_esp(rng, lo=WIN + 8 * sz))
            c.code = P(bits) + b'\x60'
            g.emit(c)
        for _ in range(150):
            c = g.case('popad' if bits == 32 else 'popaw', esp=rand_esp(rng, hi=WEND - 8 * sz))
            c.code = P(bits) + b'\x61'
            g.emit(c)
        # pushf / popf: run without TF so that the pushed image has TF=0
        for _ in range(150):
            efl = rand_efl(rng)
            for f in (NT, AC, ID):
                if rng.random() < 0.4:
                    efl |= f
            al = 4 if efl & AC else None
            c = g.case('pushfd' if bits == 32 else 'pushfw', efl=efl, esp=rand_esp(rng, align=al))
            c.code = P(bits) + b'\x9C'
            c.mask = FLAGSM
            c.mode = 'i'
            g.emit(c)
        for _ in range(200):
            efl = rand_efl(rng)
            for f in (NT, AC, ID):
                if rng.random() < 0.3:
                    efl |= f
            al = 4 if efl & AC else None
            c = g.case('popfd' if bits == 32 else 'popfw', efl=efl, esp=rand_esp(rng, hi=WEND - sz, align=al))
            # never pop TF=1 (the emulator would then trap on the following instruction)
            if c.read(c.regs[ESP], 2) & TF:
                continue
            c.code = P(bits) + b'\x9D'
            c.mask = FLAGSM
            g.emit(c)
    # push esp / pop esp special cases are covered above (register 4); enter / leave:
    for bits in (32, 16):
        sz = bits // 8
        for _ in range(300 if bits == 32 else 120):
            L = rng.choice([0, 1, 2, 3, 4, 5, 8, 16, 31, 32, 33, 34, 0xFF, rng.randrange(8), rng.randrange(256)])
            lvl = L & 31
            nw = lvl + 1                                   # words/dwords pushed
            esp = rand_esp(rng, lo=WIN + sz * nw + (4 if sz * nw + 4 <= 256 else 0))
            # This CPU (AMD) write-probes the final ESP after building the frame; keep the whole
            # frame, including ESP_final = ESP - sz*nw - size, inside the window.
            room = esp - sz * nw - WIN
            size = rng.choice([0, 1, 2, 3, 4, 8, room, room - 1, rng.randint(0, room), rng.randint(0, room)])
            size = max(0, min(size, room))
            c = g.case(f'enter_o{bits}' if bits == 16 else 'enter', esp=esp)
            if lvl >= 2:
                c.lock(EBP, rng.randint(WIN + sz * (lvl - 1), WEND))
            c.code = P(bits) + b'\xC8' + le(size, 2) + bytes([L])
            g.emit(c)
        for _ in range(150):
            c = g.case(f'leave_o{bits}' if bits == 16 else 'leave')
            c.lock(EBP, rng.randint(WIN, WEND - sz))
            c.code = P(bits) + b'\xC9'
            g.emit(c)


# ---------------------------------------------------------------------------

STR = {'movs': (0xA4, True, True), 'cmps': (0xA6, True, True), 'stos': (0xAA, False, True),
       'lods': (0xAC, True, False), 'scas': (0xAE, False, True)}


def string_case(g, op, size, rep):
    rng = g.rng
    opc, uses_si, uses_di = STR[op]
    opc += 0 if size == 1 else 1
    sfx = {1: 'b', 2: 'w', 4: 'd'}[size]
    pname = {None: '', 0xF3: 'rep_' if op in ('movs', 'stos', 'lods') else 'repe_', 0xF2: 'repne_'}[rep]
    efl = rand_efl(rng)
    df = rng.random() < 0.5
    efl = (efl | DF) if df else (efl & ~DF)
    c = g.case(pname + op + sfx, efl=efl)
    if rep:
        n = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, rng.randrange(9)])
        c.lock(ECX, n)
    else:
        n = 1
    span = n * size
    step = -size if df else size

    def place():
        if n == 0 and rng.random() < 0.3:
            return rng.getrandbits(32)
        if df:
            return rng.randint(WIN + span - size if span else WIN, WEND - size)
        return rng.randint(WIN, WEND - max(span, size))
    si = place()
    di = place()
    if op == 'cmps' and rng.random() < 0.3:
        di = si
    if uses_si:
        c.lock(ESI, si)
    if uses_di:
        c.lock(EDI, di)
    if op == 'scas' and n > 0 and rng.random() < 0.5:
        j = rng.randrange(n)
        c.set(EAX, c.read(di + j * step, size), size * 8)
    else:
        c.set(EAX, val(rng, size * 8), size * 8)
    pre = b''
    if rep:
        pre = bytes([rep])
        if size == 2:
            pre = pre + b'\x66' if rng.random() < 0.7 else b'\x66' + pre
    elif size == 2:
        pre = b'\x66'
    c.code = pre + bytes([opc])
    if rep:
        c.mode = 'i'
    g.emit(c)


@family('string')
def fam_string(g):
    for op in ('movs', 'cmps', 'stos', 'lods', 'scas'):
        for size in (1, 2, 4):
            for _ in range(100):
                string_case(g, op, size, None)
            for _ in range(120):
                string_case(g, op, size, 0xF3)
            for _ in range(120 if op in ('cmps', 'scas') else 15):
                string_case(g, op, size, 0xF2)


# ---------------------------------------------------------------------------

@family('bcd')
def fam_bcd(g):
    rng = g.rng
    for name, opc, m in (('daa', 0x27, FULL & ~OF), ('das', 0x2F, FULL & ~OF),
                         ('aaa', 0x37, AF | CF | DF), ('aas', 0x3F, AF | CF | DF)):
        for al in range(256):
            for fl in (0, CF, AF, CF | AF):
                efl = (rand_efl(rng) & ~(CF | AF)) | fl
                c = g.case(name, efl=efl)
                c.set(EAX, al, 8)
                c.code = bytes([opc])
                c.mask = m
                g.emit(c)
    for al in range(256):
        c = g.case('aam')
        c.set(EAX, al, 8)
        c.code = b'\xD4\x0A'
        c.mask = SF | ZF | PF | DF
        g.emit(c)
    for _ in range(200):
        c = g.case('aam_imm8')
        c.set(EAX, rng.getrandbits(8), 8)
        b = rng.choice([1, 2, 7, 16, 0xFF, 0x80, rng.randrange(1, 256)])
        c.code = b'\xD4' + bytes([b])
        c.mask = SF | ZF | PF | DF
        g.emit(c)
    for _ in range(30):
        c = g.case('aam_0')
        c.code = b'\xD4\x00'
        c.mask = FULL
        g.emit(c)
    for _ in range(300):
        c = g.case('aad')
        c.set(EAX, rng.getrandbits(16), 16)
        c.code = b'\xD5\x0A'
        c.mask = SF | ZF | PF | DF
        g.emit(c)
    for _ in range(200):
        c = g.case('aad_imm8')
        c.set(EAX, rng.getrandbits(16), 16)
        b = rng.choice([0, 1, 2, 7, 16, 0xFF, 0x80, rng.randrange(256)])
        c.code = b'\xD5' + bytes([b])
        c.mask = SF | ZF | PF | DF
        g.emit(c)


# ---------------------------------------------------------------------------

@family('misc')
def fam_misc(g):
    rng = g.rng
    for name, code, bits in (('cbw', b'\x66\x98', 8), ('cwde', b'\x98', 16), ('cwd', b'\x66\x99', 16),
                             ('cdq', b'\x99', 32)):
        for _ in range(150):
            c = g.case(name)
            c.set(EAX, val(rng, bits), bits)
            c.code = code
            g.emit(c)
    for _ in range(200):
        c = g.case('lahf')
        c.code = b'\x9F'
        g.emit(c)
    for _ in range(300):
        c = g.case('sahf')
        c.set(4, rng.getrandbits(8) if rng.random() < 0.7 else rng.choice([0, 0xFF, 0xD5, 0x2A]), 8)
        c.code = b'\x9E'
        g.emit(c)
    for name, opc in (('clc', 0xF8), ('stc', 0xF9), ('cmc', 0xF5), ('cld', 0xFC), ('std', 0xFD)):
        for _ in range(60):
            c = g.case(name)
            c.code = bytes([opc])
            g.emit(c)
    # salc (D6): undocumented but executed by every i686 and this CPU: AL = CF ? 0xff : 0
    for _ in range(60):
        c = g.case('salc')
        c.code = b'\xD6'
        g.emit(c)
    # arpl r/m16, r16 (63 /r): raises the RPL field of the destination selector; ZF says so
    simple_rm(g, 'arpl', [0x63], 'r', 16, n=150, pmem=0.5)
    for _ in range(200):
        c = g.case('xlat')
        t = rng.randint(WIN, WEND - 1)
        al = rng.getrandbits(8)
        if rng.random() < 0.8:
            al = rng.randint(0, min(255, t - WIN))
        c.set(EAX, al, 8)
        c.lock(EBX, t - al)
        c.code = b'\xD7'
        g.emit(c)
    # nops
    for code in (b'\x90', b'\x66\x90', b'\xF3\x90', b'\x0F\x1F\x00', b'\x0F\x1F\x40\x00', b'\x0F\x1F\x44\x00\x00',
                 b'\x66\x0F\x1F\x44\x00\x00', b'\x0F\x1F\x80\x00\x00\x00\x00',
                 b'\x0F\x1F\x84\x00\x00\x00\x00\x00', b'\x66\x0F\x1F\x84\x00\x00\x00\x00\x00'):
        for _ in range(20):
            c = g.case('nop')
            c.code = code
            g.emit(c)
    simple_rm(g, 'nop_rm32', [0x0F, 0x1F], 0, 32, n=150, pmem=0.7)
    simple_rm(g, 'nop_rm16', [0x66, 0x0F, 0x1F], 0, 16, n=50, pmem=0.7)
    # bound (#BR = vector 5 when out of range)
    for bits in (32, 16):
        sz = bits // 8
        for i in range(150):
            while True:     # mostly use bounds with lower <= upper
                c = g.case(f'bound_r{bits}_m{bits}')
                o = modrm(c, 'r', bits, mem_only=True, mem_size=2 * sz, avoid_reg_in_addr=True)
                lo = sx(c.read(o.mem.ea, sz), bits)
                hi = sx(c.read(o.mem.ea + sz, sz), bits)
                if lo <= hi or i % 4 == 0:
                    break
            p = rng.random()
            if p < 0.5 and lo <= hi:
                v = rng.randint(lo, hi)
            elif p < 0.7:
                v = rng.choice([lo, hi, lo - 1, hi + 1])
            else:
                v = val(rng, bits)
            c.set(o.reg, v & ((1 << bits) - 1), bits)
            c.code = P(bits) + b'\x62' + o.bytes
            g.emit(c)


# ---------------------------------------------------------------------------

@family('mov')
def fam_mov(g):
    rng = g.rng
    N = 120
    simple_rm(g, 'mov_rm8_r8', [0x88], 'r', 8, n=N, pmem=0.6)
    simple_rm(g, 'mov_rm32_r32', [0x89], 'r', 32, n=N, pmem=0.6)
    simple_rm(g, 'mov_rm16_r16', [0x66, 0x89], 'r', 16, n=N, pmem=0.6)
    simple_rm(g, 'mov_r8_rm8', [0x8A], 'r', 8, n=N, pmem=0.6)
    simple_rm(g, 'mov_r32_rm32', [0x8B], 'r', 32, n=N, pmem=0.6)
    simple_rm(g, 'mov_r16_rm16', [0x66, 0x8B], 'r', 16, n=N, pmem=0.6)
    simple_rm(g, 'mov_rm8_imm8', [0xC6], 0, 8, imm_bits=8, n=N, pmem=0.6)
    simple_rm(g, 'mov_rm32_imm32', [0xC7], 0, 32, imm_bits=32, n=N, pmem=0.6)
    simple_rm(g, 'mov_rm16_imm16', [0x66, 0xC7], 0, 16, imm_bits=16, n=N, pmem=0.6)
    for bits in (8, 32, 16):
        for _ in range(N):
            c = g.case(f'mov_r{bits}_imm{bits}')
            r = rng.randrange(8)
            c.code = P(bits) + bytes([(0xB0 if bits == 8 else 0xB8) + r]) + le(imm(rng, bits), max(bits // 8, 1))
            g.emit(c)
    # moffs
    for bits in (8, 32, 16):
        sz = bits // 8
        for store in (False, True):
            for _ in range(N):
                c = g.case(f'mov_moffs{bits}_{"al" if bits == 8 else "eax" if bits == 32 else "ax"}' if store
                           else f'mov_{"al" if bits == 8 else "eax" if bits == 32 else "ax"}_moffs{bits}')
                a = rng.randint(WIN, WEND - sz)
                c.set(EAX, val(rng, bits), bits)
                c.code = P(bits) + bytes([(0xA2 if store else 0xA0) + (0 if bits == 8 else 1)]) + le(a, 4)
                g.emit(c)
    # movzx / movsx
    for name, opc in (('movzx', 0xB6), ('movsx', 0xBE)):
        simple_rm(g, f'{name}_r32_rm8', [0x0F, opc], 'r', 8, 32, n=150, pmem=0.4)
        simple_rm(g, f'{name}_r16_rm8', [0x66, 0x0F, opc], 'r', 8, 16, n=100, pmem=0.4)
        simple_rm(g, f'{name}_r32_rm16', [0x0F, opc + 1], 'r', 16, 32, n=150, pmem=0.4)
        simple_rm(g, f'{name}_r16_rm16', [0x66, 0x0F, opc + 1], 'r', 16, 16, n=40, pmem=0.4)


# ---------------------------------------------------------------------------

def lea_case(g, name, bits, mod=None, rm=None, sib=None):
    """LEA computes the address only: registers are arbitrary."""
    rng = g.rng
    c = g.case(name)
    if mod is None:
        mod = rng.randrange(3)
    if rm is None:
        rm = rng.randrange(8)
    reg = pick_reg(rng, bits, p_esp=0.1)
    code = bytes([(mod << 6) | (reg << 3) | rm])
    dsz = [0, 1, 4][mod]
    if rm == 4:
        if sib is None:
            sib = rng.randrange(256)
        code += bytes([sib])
        if mod == 0 and (sib & 7) == 5:
            dsz = 4
    elif mod == 0 and rm == 5:
        dsz = 4
    if dsz == 1:
        code += le(rand_disp8(rng), 1)
    elif dsz == 4:
        code += le(rand_disp32(rng), 4)
    # registers: mostly random, sometimes window addresses / small
    for r in range(8):
        if r != ESP:
            p = rng.random()
            c.set(r, rng.getrandbits(32) if p < 0.5 else (WIN + rng.randrange(256) if p < 0.75 else val(rng, 32)))
    c.code = P(bits) + b'\x8D' + code
    g.emit(c)


@family('lea')
def fam_lea(g):
    rng = g.rng
    for mod in range(3):
        for rm in range(8):
            if rm == 4:
                for sib in range(256):
                    lea_case(g, 'lea_r32_m', 32, mod, rm, sib)
            else:
                for _ in range(20):
                    lea_case(g, 'lea_r32_m', 32, mod, rm)
    for _ in range(800):
        lea_case(g, 'lea_r32_m', 32)
    for _ in range(400):
        lea_case(g, 'lea_r16_m', 16)


# ---------------------------------------------------------------------------

@family('xchg')
def fam_xchg(g):
    rng = g.rng
    simple_rm(g, 'xchg_rm8_r8', [0x86], 'r', 8, n=150, pmem=0.5, nosplit=True)
    simple_rm(g, 'xchg_rm32_r32', [0x87], 'r', 32, n=150, pmem=0.5, nosplit=True)
    simple_rm(g, 'xchg_rm16_r16', [0x66, 0x87], 'r', 16, n=150, pmem=0.5, nosplit=True)
    for bits in (32, 16):
        for _ in range(150):
            c = g.case(f'xchg_eax_r{bits}' if bits == 32 else 'xchg_ax_r16')
            r = rng.randrange(1, 8)
            c.set(EAX, val(rng, bits), bits)
            c.set(r, val(rng, bits), bits)
            c.code = P(bits) + bytes([0x90 + r])
            g.emit(c)
    simple_rm(g, 'xadd_rm8_r8', [0x0F, 0xC0], 'r', 8, n=150)
    simple_rm(g, 'xadd_rm32_r32', [0x0F, 0xC1], 'r', 32, n=150)
    simple_rm(g, 'xadd_rm16_r16', [0x66, 0x0F, 0xC1], 'r', 16, n=150)

    def cmpx_setup(bits):
        def f(c, op):
            if c.rng.random() < 0.5:
                c.set(EAX, op.rm_value(bits), bits)
            else:
                c.set(EAX, val(c.rng, bits), bits)
        return f
    for bits, opc in ((8, [0x0F, 0xB0]), (32, [0x0F, 0xB1]), (16, [0x66, 0x0F, 0xB1])):
        simple_rm(g, f'cmpxchg_rm{bits}_r{bits}', opc, 'r', bits, n=200, setup=cmpx_setup(bits))
    for _ in range(300):
        c = g.case('cmpxchg8b_m64')
        o = modrm(c, 1, 64, mem_only=True, mem_size=8, avoid=(EAX, EDX, EBX, ECX) if rng.random() < 0.8 else ())
        m = c.read(o.mem.ea, 8)
        if rng.random() < 0.5:
            c.set(EAX, m & M32)
            c.set(EDX, m >> 32)
        elif rng.random() < 0.3:
            c.set(EAX, m & M32)
            c.set(EDX, (m >> 32) ^ (1 << rng.randrange(32)))
        c.code = b'\x0F\xC7' + o.bytes
        g.emit(c)
    for _ in range(240):
        c = g.case('bswap_r32')
        r = rng.randrange(8)
        c.set(r, val(rng, 32))
        c.code = bytes([0x0F, 0xC8 + r])
        g.emit(c)


# ---------------------------------------------------------------------------

def a16_modrm(rng, mod, rm):
    """16-bit ModRM bytes (without reg field) + displacement."""
    if mod == 0 and rm == 6:
        return le(rng.getrandbits(16), 2)
    if mod == 1:
        return le(rand_disp8(rng), 1)
    if mod == 2:
        return le(rng.choice([rng.getrandbits(16), rng.randint(0, 64), 0xFFFF, 0x8000]), 2)
    return b''


@family('addr16')
def fam_addr16(g):
    """0x67: 16-bit effective addresses (EA = sum mod 2^16). Only 0x0000-0xffff is reachable, which is
    unmapped: LEA computes the address, memory accesses fault with #PF and CR2 = EA."""
    rng = g.rng
    for bits in (32, 16):
        for mod in range(3):
            for rm in range(8):
                for _ in range(40 if bits == 32 else 15):
                    c = g.case(f'lea_r{bits}_m_a16')
                    reg = pick_reg(rng, bits, p_esp=0.1)
                    for r in range(8):
                        p = rng.random()
                        c.set(r, rng.getrandbits(32) if p < 0.6 else val(rng, 32))
                    c.code = P(bits) + b'\x67\x8D' + bytes([(mod << 6) | (reg << 3) | rm]) + a16_modrm(rng, mod, rm)
                    g.emit(c)
    # memory accesses -> #PF with CR2 = 16-bit EA (reads and writes)
    forms = [('mov_r32_rm32', b'\x8B', 32), ('mov_rm32_r32', b'\x89', 32), ('mov_r8_rm8', b'\x8A', 8),
             ('mov_rm8_r8', b'\x88', 8), ('add_rm32_r32', b'\x01', 32), ('add_r16_rm16', b'\x66\x03', 16),
             ('cmp_rm32_r32', b'\x39', 32), ('inc_rm32', b'\xFF', 32), ('push_rm32', b'\xFF', 32)]
    for name, opc, bits in forms:
        for _ in range(60):
            c = g.case(name + '_a16')
            mod, rm = rng.randrange(3), rng.randrange(8)
            reg = 0 if name == 'inc_rm32' else (6 if name == 'push_rm32' else rng.randrange(8))
            for r in range(8):
                c.set(r, rng.getrandbits(32) if rng.random() < 0.6 else val(rng, 32))
            if opc[0] == 0x66:
                code = b'\x66\x67' + opc[1:] if rng.random() < 0.5 else b'\x67\x66' + opc[1:]
            else:
                code = b'\x67' + opc
            c.code = code + bytes([(mod << 6) | (reg << 3) | rm]) + a16_modrm(rng, mod, rm)
            g.emit(c)
    for _ in range(60):
        c = g.case('mov_al_moffs8_a16')
        c.code = b'\x67\xA0' + le(rng.getrandbits(16), 2)
        g.emit(c)
    for _ in range(60):
        c = g.case('mov_moffs32_eax_a16')
        c.code = b'\x67\xA3' + le(rng.getrandbits(16), 2)
        g.emit(c)
    for _ in range(40):
        c = g.case('xlat_a16')
        c.code = b'\x67\xD7'
        g.emit(c)
    # string ops with 16-bit SI/DI/CX
    for _ in range(150):
        op = rng.choice(['movs', 'cmps', 'stos', 'lods', 'scas'])
        size = rng.choice([1, 2, 4])
        opc, _, _ = STR[op]
        rep = rng.choice([None, 0xF3, 0xF3])
        efl = rand_efl(rng)
        c = g.case(('rep_' if rep else '') + op + {1: 'b', 2: 'w', 4: 'd'}[size] + '_a16', efl=efl)
        if rep and rng.random() < 0.5:
            c.set(ECX, rng.getrandbits(16) << 16)   # CX = 0: no iteration at all
        elif rep:
            c.set(ECX, (rng.getrandbits(16) << 16) | rng.randint(1, 4))
        code = (bytes([rep]) if rep else b'') + (b'\x66' if size == 2 else b'') + b'\x67' + \
            bytes([opc + (0 if size == 1 else 1)])
        c.code = code
        if rep:
            c.mode = 'i'
        # Every 16-bit address is unmapped, so cmps faults on both operands, and which
        # fault a CPU reports differs between generations (README). The case is still
        # drawn in full (line() draws its registers) so the cases after it stay as they were.
        if op == 'cmps':
            c.line()
        else:
            g.emit(c)
    # 0x67 with register operands only (no effect)
    simple_rm(g, 'add_rm32_r32_a16reg', [0x67, 0x01], 'r', 32, n=40, reg_only=True)


# ---------------------------------------------------------------------------

@family('prefix')
def fam_prefix(g):
    rng = g.rng
    segs = {'es': 0x26, 'cs': 0x2E, 'ss': 0x36, 'ds': 0x3E}
    readers = [('mov_r32_rm32', [0x8B], 'r', 32, FULL), ('mov_r8_rm8', [0x8A], 'r', 8, FULL),
               ('add_r32_rm32', [0x03], 'r', 32, FULL), ('cmp_rm32_r32', [0x39], 'r', 32, FULL),
               ('test_rm16_r16', [0x66, 0x85], 'r', 16, LOGIC), ('movzx_r32_rm8', [0x0F, 0xB6], 'r', 8, FULL)]
    writers = [('mov_rm32_r32', [0x89], 'r', 32, FULL), ('add_rm8_r8', [0x00], 'r', 8, FULL),
               ('inc_rm32', [0xFF], 0, 32, FULL), ('sub_rm16_r16', [0x66, 0x29], 'r', 16, FULL)]
    for sname, sp in segs.items():
        for name, opc, reg, bits, m in readers + ([] if sname == 'cs' else writers):
            for _ in range(50):
                c = g.case(f'{sname}_{name}')
                o = modrm(c, reg, bits, mem_only=True, reg_bits=32 if name.startswith('movzx') else None)
                opcb = bytes(opc)
                if opcb[0] == 0x66 and rng.random() < 0.5:
                    code = b'\x66' + bytes([sp]) + opcb[1:]
                else:
                    code = bytes([sp]) + opcb
                c.code = code + o.bytes
                c.mask = m
                g.emit(c)
        # string source override, xlat, push m32
        for _ in range(40):
            string_c = g.case(f'{sname}_movsd')
            si = rng.randint(WIN, WEND - 4)
            di = rng.randint(WIN, WEND - 4)
            string_c.lock(ESI, si)
            string_c.lock(EDI, di)
            string_c.code = bytes([sp, 0xA5])
            g.emit(string_c)
        for _ in range(40):
            c = g.case(f'{sname}_lodsb')
            c.lock(ESI, rng.randint(WIN, WEND - 1))
            c.code = bytes([sp, 0xAC])
            g.emit(c)
        for _ in range(40):
            c = g.case(f'{sname}_xlat')
            t = rng.randint(WIN, WEND - 1)
            al = rng.randint(0, min(255, t - WIN))
            c.set(EAX, al, 8)
            c.lock(EBX, t - al)
            c.code = bytes([sp, 0xD7])
            g.emit(c)
        for _ in range(40):
            c = g.case(f'{sname}_push_rm32')
            o = modrm(c, 6, 32, mem_only=True)
            c.code = bytes([sp, 0xFF]) + o.bytes
            g.emit(c)
        for _ in range(20):
            c = g.case(f'{sname}_jcc_rel8')
            c.code = bytes([sp, 0x70 + rng.randrange(16), rel8(rng)])
            g.emit(c)
    for _ in range(60):
        c = g.case('es_rep_movsb_srcovr')
        n = rng.randrange(9)
        c.lock(ECX, n)
        efl = c.efl & ~DF
        c.efl = efl
        c.lock(ESI, rng.randint(WIN, WEND - max(n, 1)))
        c.lock(EDI, rng.randint(WIN, WEND - max(n, 1)))
        c.code = bytes([0xF3, rng.choice([0x26, 0x2E, 0x36, 0x3E]), 0xA4])
        c.mode = 'i'
        g.emit(c)
    # multiple / redundant prefixes
    for _ in range(100):
        c = g.case('multiseg_mov_r32_rm32')
        o = modrm(c, 'r', 32, mem_only=True)
        pre = bytes(rng.choice([0x26, 0x2E, 0x36, 0x3E]) for _ in range(rng.randint(2, 3)))
        c.code = pre + b'\x8B' + o.bytes
        g.emit(c)
    for _ in range(60):
        c = g.case('o16x2_add_rm16_r16')
        o = modrm(c, 'r', 16)
        c.code = b'\x66\x66\x01' + o.bytes
        g.emit(c)
    # lock prefix on valid read-modify-write memory forms (never split across a cache line)
    lockable = []
    for n, op in enumerate(ALU):
        if op == 'cmp':
            continue
        m = LOGIC if op in ('and', 'or', 'xor') else FULL
        lockable += [(f'{op}_m8_r8', [n * 8], 'r', 8, 0, m), (f'{op}_m32_r32', [n * 8 + 1], 'r', 32, 0, m),
                     (f'{op}_m16_r16', [0x66, n * 8 + 1], 'r', 16, 0, m),
                     (f'{op}_m8_imm8', [0x80], n, 8, 8, m), (f'{op}_m32_imm32', [0x81], n, 32, 32, m),
                     (f'{op}_m32_simm8', [0x83], n, 32, 8, m)]
    lockable += [('inc_m32', [0xFF], 0, 32, 0, FULL), ('dec_m8', [0xFE], 1, 8, 0, FULL),
                 ('inc_m16', [0x66, 0xFF], 0, 16, 0, FULL), ('not_m32', [0xF7], 2, 32, 0, FULL),
                 ('neg_m8', [0xF6], 3, 8, 0, FULL), ('neg_m32', [0xF7], 3, 32, 0, FULL),
                 ('xchg_m32_r32', [0x87], 'r', 32, 0, FULL), ('xchg_m8_r8', [0x86], 'r', 8, 0, FULL),
                 ('xadd_m32_r32', [0x0F, 0xC1], 'r', 32, 0, FULL), ('xadd_m16_r16', [0x66, 0x0F, 0xC1], 'r', 16, 0, FULL),
                 ('cmpxchg_m32_r32', [0x0F, 0xB1], 'r', 32, 0, FULL), ('cmpxchg_m8_r8', [0x0F, 0xB0], 'r', 8, 0, FULL),
                 ('bts_m32_imm8', [0x0F, 0xBA], 5, 32, 8, BTM), ('btr_m32_imm8', [0x0F, 0xBA], 6, 32, 8, BTM),
                 ('btc_m16_imm8', [0x66, 0x0F, 0xBA], 7, 16, 8, BTM), ('bts_m32_r32', [0x0F, 0xAB], 'r', 32, 0, BTM),
                 ('btr_m32_r32', [0x0F, 0xB3], 'r', 32, 0, BTM), ('btc_m32_r32', [0x0F, 0xBB], 'r', 32, 0, BTM)]
    for name, opc, reg, bits, ib, m in lockable:
        for _ in range(40):
            c = g.case('lock_' + name)
            regval = None
            if name.startswith('bt') and reg == 'r':
                regval = rng.randrange(bits)
            o = modrm(c, reg, bits, p_esp=0.0, mem_only=True, nosplit=True, avoid_reg_in_addr=True, regval=regval)
            if name.startswith('cmpxchg') and rng.random() < 0.5:
                c.set(EAX, o.rm_value(), bits)
            c.code = b'\xF0' + bytes(opc) + o.bytes + (le(imm(rng, ib), ib // 8) if ib else b'')
            c.mask = m
            g.emit(c)
    for _ in range(60):
        c = g.case('lock_cmpxchg8b_m64')
        o = modrm(c, 1, 64, mem_only=True, mem_size=8, nosplit=True, avoid=(EAX, EDX))
        if rng.random() < 0.5:
            mv = c.read(o.mem.ea, 8)
            c.set(EAX, mv & M32)
            c.set(EDX, mv >> 32)
        c.code = b'\xF0\x0F\xC7' + o.bytes
        g.emit(c)


# ---------------------------------------------------------------------------

@family('exceptions')
def fam_exceptions(g):
    rng = g.rng
    for name, code in (('int3', b'\xCC'), ('int_3', b'\xCD\x03'), ('int_4', b'\xCD\x04')):
        for _ in range(40):
            c = g.case(name)
            c.code = code
            g.emit(c)
    for _ in range(100):
        c = g.case('into')
        c.code = b'\xCE'
        g.emit(c)
    for name, code in (('ud2', b'\x0F\x0B'), ('ud1', b'\x0F\xB9\xC0'), ('hlt', b'\xF4'), ('cli', b'\xFA'),
                       ('sti', b'\xFB'), ('in_al_imm8', b'\xE4\x60'), ('in_eax_imm8', b'\xE5\x80'),
                       ('in_ax_imm8', b'\x66\xE5\x70'), ('in_al_dx', b'\xEC'), ('in_eax_dx', b'\xED'),
                       ('out_imm8_al', b'\xE6\x80'), ('out_imm8_eax', b'\xE7\x43'), ('out_dx_al', b'\xEE'),
                       ('out_dx_eax', b'\xEF'), ('out_dx_ax', b'\x66\xEF'), ('insb', b'\x6C'), ('insd', b'\x6D'),
                       ('outsb', b'\x6E'), ('outsd', b'\x6F'), ('rep_insb', b'\xF3\x6C'), ('rep_outsb', b'\xF3\x6E'),
                       ('clts', b'\x0F\x06'), ('mov_r32_cr0', b'\x0F\x20\xC0'), ('mov_cr0_r32', b'\x0F\x22\xC0'),
                       ('mov_r32_cr3', b'\x0F\x20\xD8'), ('mov_r32_dr7', b'\x0F\x21\xF8'),
                       ('mov_dr0_r32', b'\x0F\x23\xC0'), ('rdmsr', b'\x0F\x32'), ('wrmsr', b'\x0F\x30'),
                       ('invd', b'\x0F\x08'), ('wbinvd', b'\x0F\x09'), ('lea_reg_ud', b'\x8D\xC0'),
                       ('cmpxchg8b_reg_ud', b'\x0F\xC7\xC8')):
        for _ in range(12):
            c = g.case(name)
            if name in ('insb', 'insd', 'rep_insb'):
                c.lock(EDI, rng.randint(WIN, WEND - 4))
                c.lock(ECX, rng.randrange(4))
            if name in ('outsb', 'outsd', 'rep_outsb'):
                c.lock(ESI, rng.randint(WIN, WEND - 4))
                c.lock(ECX, rng.randrange(4))
            if name.startswith('rep_'):
                c.mode = 'i'
            c.code = code
            g.emit(c)
    for name, digit in (('lgdt_m', 2), ('lidt_m', 3), ('lmsw_m16', 6), ('invlpg_m', 7)):
        for _ in range(12):
            c = g.case(name)
            o = modrm(c, digit, 48, mem_only=True, mem_size=6)
            c.code = b'\x0F\x01' + o.bytes
            g.emit(c)
    ints = [0, 1, 2, 5, 6, 8, 0x0D, 0x0E, 0x10, 0x20, 0x21, 0x40, 0x7F, 0x81, 0xFF] + \
        [rng.randrange(256) for _ in range(20)]
    for v in ints:
        if v in (3, 4, 0x80):
            continue
        for _ in range(3):
            c = g.case('int_imm8')
            c.code = bytes([0xCD, v])
            g.emit(c)
    # writes through a CS override: the flat user code segment is execute/read -> #GP(0)
    for name, opc, reg, bits in (('cs_mov_m32_r32', b'\x2E\x89', 'r', 32), ('cs_add_m8_r8', b'\x2E\x00', 'r', 8),
                                 ('cs_inc_m32', b'\x2E\xFF', 0, 32), ('cs_stosd', None, None, 32)):
        for _ in range(10):
            c = g.case(name + ('_gp' if opc else ''))
            if opc is None:
                c.lock(EDI, rng.randint(WIN, WEND - 4))
                c.code = b'\x2E\xAB'    # stos ignores the override: ES is used, no fault
            else:
                o = modrm(c, reg, bits, mem_only=True)
                c.code = opc + o.bytes
            g.emit(c)
    # lock prefix where it is not allowed -> #UD
    bad_lock = [b'\x01\xC8', b'\x89\x03', b'\x39\x03', b'\x8B\x03', b'\x0F\xA3\x03', b'\x90', b'\xFF\xC0',
                b'\xF7\xD8', b'\x85\x03', b'\x0F\xB1\xC8', b'\x87\xC8', b'\x80\x3B\x01', b'\x0F\xBA\x23\x01',
                b'\xA5', b'\x0F\xC7\xC8', b'\x8D\x03']
    for code in bad_lock:
        for _ in range(10):
            c = g.case('lock_invalid')
            c.lock(EBX, rng.randint(WIN, WEND - 4))
            c.lock(ESI, rng.randint(WIN, WEND - 4))
            c.lock(EDI, rng.randint(WIN, WEND - 4))
            c.code = b'\xF0' + code
            g.emit(c)
    # page faults: accesses that straddle into / lie in the unmapped page 0x30001000
    pf_forms = [('mov_r32_m32', b'\x8B', 'r', 32), ('mov_m32_r32', b'\x89', 'r', 32),
                ('mov_r16_m16', b'\x66\x8B', 'r', 16), ('mov_m16_r16', b'\x66\x89', 'r', 16),
                ('add_m32_r32', b'\x01', 'r', 32), ('add_r32_m32', b'\x03', 'r', 32),
                ('inc_m16', b'\x66\xFF', 0, 16), ('cmp_m32_imm8', b'\x83', 7, 32),
                ('movzx_r32_m16', b'\x0F\xB7', 'r', 16), ('push_m32', b'\xFF', 6, 32),
                ('xchg_m32_r32', b'\x87', 'r', 32), ('cmpxchg_m32_r32', b'\x0F\xB1', 'r', 32),
                ('xadd_m16_r16', b'\x66\x0F\xC1', 'r', 16), ('bt_m32_imm8', b'\x0F\xBA', 4, 32),
                ('bts_m32_imm8', b'\x0F\xBA', 5, 32), ('setz_m8', b'\x0F\x94', 0, 8),
                ('cmpxchg8b_m64', b'\x0F\xC7', 1, 64), ('cmove_r32_m32', b'\x0F\x44', 'r', 32),
                ('shl_m32_1', b'\xD1', 4, 32), ('not_m32', b'\xF7', 2, 32), ('mov_m32_imm32', b'\xC7', 0, 32),
                ('div_m32', b'\xF7', 6, 32), ('jmp_m32', b'\xFF', 4, 32), ('call_m32', b'\xFF', 2, 32),
                ('bound_r32_m32', b'\x62', 'r', 64), ('mov_r8_m8', b'\x8A', 'r', 8)]
    for name, opc, reg, bits in pf_forms:
        sz = bits // 8
        for _ in range(20):
            c = g.case('pf_' + name)
            p = rng.random()
            if p < 0.7 and sz > 1:
                t = rng.randint(WEND - sz + 1, WEND - 1)     # straddles 0x30001000
            elif p < 0.85:
                t = rng.randint(WEND, WEND + 0x40)
            elif p < 0.93:
                t = rng.randint(WEND, WEND + 0xFFF)
            else:
                t = WIN - 0xF00 - rng.randint(1, sz) if sz > 1 else WIN - 0xF01
            o = modrm(c, reg, bits if bits <= 32 else 32, mem_only=True, mem_size=1, target=t & M32,
                      avoid_reg_in_addr=True)
            c.code = opc + o.bytes + (b'\x01' if name in ('cmp_m32_imm8', 'bt_m32_imm8', 'bts_m32_imm8') else b'') + \
                (le(rng.getrandbits(32), 4) if name == 'mov_m32_imm32' else b'')
            g.emit(c)
    # stack accesses that fault
    for name, code, lo, hi in (('pf_pop_r32', b'\x58', WEND - 3, WEND), ('pf_ret', b'\xC3', WEND - 3, WEND),
                               ('pf_pop_m32', b'\x8F\x03', WEND - 3, WEND), ('pf_popad', b'\x61', WEND - 31, WEND),
                               ('pf_popfd', b'\x9D', WEND - 3, WEND), ('pf_leave', b'\xC9', None, None),
                               ('pf_pop_r16', b'\x66\x58', WEND - 1, WEND), ('pf_ret_imm16', b'\xC2\x08\x00', WEND - 3, WEND)):
        for _ in range(20):
            if lo is None:
                c = g.case(name)
                c.lock(EBP, rng.randint(WEND - 3, WEND + 8))
            else:
                c = g.case(name, esp=rng.randint(lo, hi))
            if name == 'pf_pop_m32':
                c.lock(EBX, rng.randint(WIN, WEND - 4))
            c.code = code
            g.emit(c)
    # string instructions running into the unmapped page (no rep)
    for name, code in (('pf_movsd', b'\xA5'), ('pf_stosd', b'\xAB'), ('pf_lodsw', b'\x66\xAD'), ('pf_cmpsb', b'\xA6'),
                       ('pf_scasd', b'\xAF')):
        for _ in range(20):
            c = g.case(name)
            bad = rng.randint(WEND - 3, WEND + 4)
            good = rng.randint(WIN, WEND - 4)
            if rng.random() < 0.5:
                c.lock(ESI, bad)
                c.lock(EDI, good)
            else:
                c.lock(ESI, good)
                c.lock(EDI, bad)
            c.code = code
            g.emit(c)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if sys.argv[1] == '--list':
        print(' '.join(FAMILIES))
        return
    fam = sys.argv[1]
    g = Gen(fam)
    FAMILIES[fam](g)
    out = sys.stdout
    out.write('# Gate differential-test corpus, family "%s" -- generated by Tools/difftest/gen.py, '
              'recorded natively by Tools/difftest/harness.c. See Tools/difftest/README.md.\n' % fam)
    out.write('# name;code;EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS;seed;'
              'EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS EIP;exc;memdiff;mask\n')
    for l in g.out:
        out.write(l + '\n')


if __name__ == '__main__':
    main()
