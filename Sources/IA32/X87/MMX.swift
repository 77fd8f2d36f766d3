/// MMX (Intel SDM vol. 1, chapter 9): eight 64-bit registers aliased onto the x87 data
/// registers — MMi is the significand of physical register Ri, and writing it sets that
/// register's sign and exponent to all ones. Every MMX instruction but emms empties no
/// register and makes them all valid with TOP = 0; emms marks them all empty (and, on the
/// recording CPU, also sets TOP to 0). MMX instructions raise a pending x87 #MF and leave
/// the last-instruction pointers alone.
///
/// They decode to `.x87` with an MMX form (X87Decode.swift): the register file is the
/// x87's. `sub` holds the second opcode byte of the binary operations.
extension Decoder {
    /// 0F-map opcodes that are MMX instructions on a P6 (SSE and SSE2 ones are not).
    static func isMMX(_ op: UInt8) -> Bool {
        switch op {
        case 0x60...0x6b, 0x6e, 0x6f, 0x71...0x77, 0x7e, 0x7f,
             0xd1, 0xd2, 0xd3, 0xd5, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xdf,
             0xe1, 0xe2, 0xe5, 0xe8, 0xe9, 0xeb, 0xec, 0xed, 0xef,
             0xf1, 0xf2, 0xf3, 0xf5, 0xf8, 0xf9, 0xfa, 0xfc, 0xfd, 0xfe:
            return true
        default:
            return false
        }
    }

    /// Decodes MMX opcode 0F `op`.
    mutating func decodeMMX(_ op: UInt8) {
        i.op = .x87
        if op == 0x77 {
            i.imm = UInt32(X87Op.emms.rawValue)
        } else {
            modrm()
            let form: X87Op
            switch op {
            case 0x6e: form = .movdToMMX
            case 0x7e: form = .movdFromMMX
            case 0x6f: form = .movqToMMX
            case 0x7f: form = .movqFromMMX
            case 0x71, 0x72, 0x73:
                // Shifts by an immediate: /2 logical right, /4 arithmetic right, /6 left.
                i.imm2 = UInt32(fetch8())
                let valid = (i.reg == 2 || i.reg == 6 || (i.reg == 4 && op != 0x73)) && !i.isMemory
                form = valid ? .mmxShiftImmediate : .invalid
            default: form = .mmxBinary
            }
            i.imm = UInt32(form.rawValue)
            i.sub = op
        }
        // The 66, F2 and F3 prefixes turn these into SSE/SSE2 instructions the models lack.
        if opsize16 || rep != 0 { i.imm = UInt32(X87Op.invalid.rawValue) }
    }
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// Enters MMX mode: TOP = 0, every register valid.
    @inline(__always) func mmxEnter() {
        let f = fpu
        f.pointee.top = 0
        f.pointee.empty = 0
    }

    @inline(__always) func mmxRead(_ r: Int) -> UInt64 { fpu.physical(r & 7).sig }

    @inline(__always) func mmxWrite(_ r: Int, _ v: UInt64) {
        fpu.setPhysical(r & 7, F80(sig: v, se: 0xffff))
    }

    /// The 64-bit source operand: MMX register or memory; nil after a fault.
    @inline(__always) func mmxSource(_ i: Ins) -> UInt64? {
        if !i.isMemory { return mmxRead(Int(i.rm)) }
        let v = read64(i, ea(i))
        return faulted ? nil : v
    }

    @inline(never)
    func mmx(_ i: Ins, _ form: X87Op) {
        switch form {
        case .emms:
            fpu.pointee.empty = 0xff
            fpu.pointee.top = 0
        case .movdToMMX:
            let v = i.isMemory ? read(Int(i.seg), ea(i), 4) : r32(Int(i.rm))
            if faulted { return }
            mmxEnter()
            mmxWrite(Int(i.reg), UInt64(v))
        case .movdFromMMX:
            let v = UInt32(truncatingIfNeeded: mmxRead(Int(i.reg)))
            if i.isMemory {
                write(Int(i.seg), ea(i), 4, v)
                if faulted { return }
            } else {
                setR32(Int(i.rm), v)
            }
            mmxEnter()
        case .movqToMMX:
            guard let v = mmxSource(i) else { return }
            mmxEnter()
            mmxWrite(Int(i.reg), v)
        case .movqFromMMX:
            let v = mmxRead(Int(i.reg))
            if i.isMemory {
                let a = linear(Int(i.seg), ea(i), 8, write: true)
                if faulted || !probeWrite(a, 8) { return }
                write64L(a, v)
            } else {
                mmxWrite(Int(i.rm), v)
            }
            mmxEnter()
        case .mmxShiftImmediate:
            let count = UInt64(i.imm2 & 0xff)
            let d = Int(i.rm)
            let x = mmxRead(d)
            let r: UInt64
            switch (i.sub, i.reg) {
            case (0x71, 2): r = MMX.shiftRight(x, count, lane: 16)
            case (0x71, 4): r = MMX.shiftRightArithmetic(x, count, lane: 16)
            case (0x71, _): r = MMX.shiftLeft(x, count, lane: 16)
            case (0x72, 2): r = MMX.shiftRight(x, count, lane: 32)
            case (0x72, 4): r = MMX.shiftRightArithmetic(x, count, lane: 32)
            case (0x72, _): r = MMX.shiftLeft(x, count, lane: 32)
            case (_, 2): r = count > 63 ? 0 : x >> count
            default: r = count > 63 ? 0 : x << count
            }
            mmxEnter()
            mmxWrite(d, r)
        default:
            guard let src = mmxSource(i) else { return }
            let d = Int(i.reg)
            let r = MMX.binary(i.sub, mmxRead(d), src)
            mmxEnter()
            mmxWrite(d, r)
        }
    }
}

/// The MMX operations on 64-bit values, lane by lane.
enum MMX {
    @inline(__always) static func lanes(_ bits: Int) -> Int { 64 / bits }
    @inline(__always) static func mask(_ bits: Int) -> UInt64 { bits == 64 ? UInt64.max : (UInt64(1) << bits) - 1 }
    @inline(__always) static func lane(_ x: UInt64, _ k: Int, _ bits: Int) -> UInt64 { (x >> UInt64(k * bits)) & mask(bits) }
    @inline(__always) static func signed(_ v: UInt64, _ bits: Int) -> Int64 {
        Int64(bitPattern: v << UInt64(64 - bits)) >> Int64(64 - bits)
    }

    /// Applies `f` to each pair of lanes.
    @inline(__always)
    static func map(_ a: UInt64, _ b: UInt64, _ bits: Int, _ f: (UInt64, UInt64) -> UInt64) -> UInt64 {
        var r: UInt64 = 0
        for k in 0..<lanes(bits) {
            r |= (f(lane(a, k, bits), lane(b, k, bits)) & mask(bits)) << UInt64(k * bits)
        }
        return r
    }

    static func saturateSigned(_ v: Int64, _ bits: Int) -> UInt64 {
        let hi = Int64(1) << (bits - 1) - 1, lo = -(Int64(1) << (bits - 1))
        return UInt64(bitPattern: min(max(v, lo), hi)) & mask(bits)
    }

    static func saturateUnsigned(_ v: Int64, _ bits: Int) -> UInt64 {
        UInt64(min(max(v, 0), Int64(mask(bits))))
    }

    static func shiftLeft(_ x: UInt64, _ n: UInt64, lane bits: Int) -> UInt64 {
        if n >= UInt64(bits) { return 0 }
        return map(x, 0, bits) { a, _ in a << n }
    }

    static func shiftRight(_ x: UInt64, _ n: UInt64, lane bits: Int) -> UInt64 {
        if n >= UInt64(bits) { return 0 }
        return map(x, 0, bits) { a, _ in a >> n }
    }

    static func shiftRightArithmetic(_ x: UInt64, _ n: UInt64, lane bits: Int) -> UInt64 {
        let s = min(n, UInt64(bits - 1))
        return map(x, 0, bits) { a, _ in UInt64(bitPattern: signed(a, bits) >> Int64(s)) }
    }

    /// Interleaves the low (`high` false) or high halves of a and b, lanes of `bits`.
    static func unpack(_ a: UInt64, _ b: UInt64, _ bits: Int, high: Bool) -> UInt64 {
        var r: UInt64 = 0
        let half = lanes(bits) / 2
        for k in 0..<half {
            let src = high ? k + half : k
            r |= lane(a, src, bits) << UInt64(2 * k * bits)
            r |= lane(b, src, bits) << UInt64((2 * k + 1) * bits)
        }
        return r
    }

    /// Packs the lanes of a then b (of `bits`) into lanes of half the width, saturating.
    static func pack(_ a: UInt64, _ b: UInt64, _ bits: Int, unsigned: Bool) -> UInt64 {
        var r: UInt64 = 0
        let n = lanes(bits), out = bits / 2
        for k in 0..<2 * n {
            let v = signed(lane(k < n ? a : b, k % n, bits), bits)
            let s = unsigned ? saturateUnsigned(v, out) : saturateSigned(v, out)
            r |= s << UInt64(k * out)
        }
        return r
    }

    /// The register/memory MMX operations, by second opcode byte.
    static func binary(_ op: UInt8, _ a: UInt64, _ b: UInt64) -> UInt64 {
        switch op {
        case 0x60: return unpack(a, b, 8, high: false)
        case 0x61: return unpack(a, b, 16, high: false)
        case 0x62: return unpack(a, b, 32, high: false)
        case 0x63: return pack(a, b, 16, unsigned: false)
        case 0x64: return map(a, b, 8) { signed($0, 8) > signed($1, 8) ? 0xff : 0 }
        case 0x65: return map(a, b, 16) { signed($0, 16) > signed($1, 16) ? 0xffff : 0 }
        case 0x66: return map(a, b, 32) { signed($0, 32) > signed($1, 32) ? 0xffff_ffff : 0 }
        case 0x67: return pack(a, b, 16, unsigned: true)
        case 0x68: return unpack(a, b, 8, high: true)
        case 0x69: return unpack(a, b, 16, high: true)
        case 0x6a: return unpack(a, b, 32, high: true)
        case 0x6b: return pack(a, b, 32, unsigned: false)
        case 0x74: return map(a, b, 8) { $0 == $1 ? 0xff : 0 }
        case 0x75: return map(a, b, 16) { $0 == $1 ? 0xffff : 0 }
        case 0x76: return map(a, b, 32) { $0 == $1 ? 0xffff_ffff : 0 }
        case 0xd1: return shiftRight(a, b, lane: 16)
        case 0xd2: return shiftRight(a, b, lane: 32)
        case 0xd3: return b > 63 ? 0 : a >> b
        case 0xd5: return map(a, b, 16) { UInt64(bitPattern: signed($0, 16) * signed($1, 16)) }
        case 0xd8: return map(a, b, 8) { saturateUnsigned(Int64($0) - Int64($1), 8) }
        case 0xd9: return map(a, b, 16) { saturateUnsigned(Int64($0) - Int64($1), 16) }
        case 0xdb: return a & b
        case 0xdc: return map(a, b, 8) { saturateUnsigned(Int64($0) + Int64($1), 8) }
        case 0xdd: return map(a, b, 16) { saturateUnsigned(Int64($0) + Int64($1), 16) }
        case 0xdf: return ~a & b
        case 0xe1: return shiftRightArithmetic(a, b, lane: 16)
        case 0xe2: return shiftRightArithmetic(a, b, lane: 32)
        case 0xe5: return map(a, b, 16) { UInt64(bitPattern: (signed($0, 16) * signed($1, 16)) >> 16) }
        case 0xe8: return map(a, b, 8) { saturateSigned(signed($0, 8) - signed($1, 8), 8) }
        case 0xe9: return map(a, b, 16) { saturateSigned(signed($0, 16) - signed($1, 16), 16) }
        case 0xeb: return a | b
        case 0xec: return map(a, b, 8) { saturateSigned(signed($0, 8) + signed($1, 8), 8) }
        case 0xed: return map(a, b, 16) { saturateSigned(signed($0, 16) + signed($1, 16), 16) }
        case 0xef: return a ^ b
        case 0xf1: return shiftLeft(a, b, lane: 16)
        case 0xf2: return shiftLeft(a, b, lane: 32)
        case 0xf3: return b > 63 ? 0 : a << b
        case 0xf5:
            // pmaddwd: pairs of signed 16×16 products summed into 32-bit lanes.
            var r: UInt64 = 0
            for k in 0..<2 {
                let p0 = signed(lane(a, 2 * k, 16), 16) * signed(lane(b, 2 * k, 16), 16)
                let p1 = signed(lane(a, 2 * k + 1, 16), 16) * signed(lane(b, 2 * k + 1, 16), 16)
                r |= (UInt64(bitPattern: p0 &+ p1) & 0xffff_ffff) << UInt64(32 * k)
            }
            return r
        case 0xf8: return map(a, b, 8) { $0 &- $1 }
        case 0xf9: return map(a, b, 16) { $0 &- $1 }
        case 0xfa: return map(a, b, 32) { $0 &- $1 }
        case 0xfc: return map(a, b, 8) { $0 &+ $1 }
        case 0xfd: return map(a, b, 16) { $0 &+ $1 }
        default: return map(a, b, 32) { $0 &+ $1 }   // 0xfe paddd
        }
    }
}
