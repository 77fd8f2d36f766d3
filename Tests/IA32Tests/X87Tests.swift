import Testing
@testable import IA32

/// Unit tests of the x87: the pending #MF, the environment formats, conversions, and
/// the two implementations of the basic arithmetic (host `Float80` fast path and the
/// exact integer core) against each other.
struct X87Tests {
    static let data = TestMachine.data

    func machine() -> TestMachine {
        let m = TestMachine()
        m.cpu.state.pointee.fpu.initialize()
        return m
    }

    func poke64(_ m: TestMachine, _ a: UInt32, _ v: UInt64) {
        m.memory.poke(a, (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) })
    }

    func peek64(_ m: TestMachine, _ a: UInt32) -> UInt64 {
        m.memory.read(a, count: 8)!.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }

    /// mov $data,%ebx prefix for the programs below.
    var movEBX: [UInt8] { [0xbb] + (0..<4).map { UInt8(truncatingIfNeeded: X87Tests.data >> (8 * $0)) } }

    @Test func addsDoublesLikeTheHardware() {
        let m = machine()
        poke64(m, X87Tests.data, (1.5).bitPattern)
        poke64(m, X87Tests.data + 8, (2.25).bitPattern)
        // fldl (%ebx); faddl 8(%ebx); fstpl 16(%ebx)
        m.run(movEBX + [0xdd, 0x03, 0xdc, 0x43, 0x08, 0xdd, 0x5b, 0x10])
        #expect(Double(bitPattern: peek64(m, X87Tests.data + 16)) == 3.75)
        #expect(m.cpu.state.pointee.fpu.empty == 0xff)
        #expect(m.cpu.state.pointee.fpu.statusWord == 0)
    }

    @Test func unmaskedExceptionRaisesMFAtTheNextWaitingInstruction() {
        let m = machine()
        // Unmask divide-by-zero: fldcw (%ebx) with 0x037b.
        m.memory.poke(X87Tests.data, [0x7b, 0x03])
        // fldcw (%ebx); fld1; fldz; fdivp (1/0: ZE, pending); nop; fwait
        let program = movEBX + [0xd9, 0x2b, 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0x90, 0x9b]
        let stop = m.run(program)
        #expect(stop == .exception(PendingFault(vector: Vector.fpuError)))
        // The fault is at fwait, not at the fdivrp that caused it.
        #expect(m.cpu.eip == TestMachine.code + UInt32(program.count - 1))
        let sw = m.cpu.state.pointee.fpu.statusWord
        #expect(sw & X87Flag.zeroDivide != 0 && sw & X87Flag.errorSummary != 0 && sw & X87Flag.busy != 0)
        // The destination was left alone and nothing was popped.
        #expect(m.cpu.state.pointee.fpu.top == 6)
        // fnstsw and fnclex do not wait; after fnclex the fwait passes.
        m.memory.poke(TestMachine.code, [0xdf, 0xe0, 0xdb, 0xe2, 0x9b, 0xcd, 0x80])
        m.cpu.eip = TestMachine.code
        #expect(m.cpu.run(budget: 10) == .softwareInterrupt(0x80))
        #expect(UInt16(truncatingIfNeeded: m[.eax]) == sw)
    }

    @Test func fnsaveAndFrstorRoundTrip() {
        let m = machine()
        poke64(m, X87Tests.data + 0x100, (-0.1).bitPattern)
        // fldpi; fldl 0x100(%ebx); fnsave (%ebx); fld1; frstor (%ebx); fstpl 0x108(%ebx)
        m.run(movEBX + [0xd9, 0xeb, 0xdd, 0x83, 0x00, 0x01, 0x00, 0x00, 0xdd, 0x33, 0xd9, 0xe8,
                        0xdd, 0x23, 0xdd, 0x9b, 0x08, 0x01, 0x00, 0x00])
        #expect(Double(bitPattern: peek64(m, X87Tests.data + 0x108)) == -0.1)
        let image = m.memory.read(X87Tests.data, count: 108)!
        #expect(image[0] == 0x7f && image[1] == 0x03 && image[2] == 0xff && image[3] == 0xff)
        // Tag word: ST0 and ST1 valid (physical 6 and 7), the rest empty.
        #expect(image[8] == 0xff && image[9] == 0x0f)
        // FIP is the fldl, the last non-control instruction before fnsave.
        #expect(image[12] == 0x07 && image[15] == 0x10)
        #expect(m.cpu.state.pointee.fpu.st(0) == F80(sig: 0xc90f_daa2_2168_c235, se: 0x4000))
    }

    @Test func fnsaveImageMatchesTheInstruction() {
        let m = machine()
        // fldpi; fld1; fnsave (%ebx)
        m.run(movEBX + [0xd9, 0xeb, 0xd9, 0xe8, 0xdd, 0x33])
        let stored = m.memory.read(X87Tests.data, count: 108)!
        // fnsave reinitialized the FPU; reload the image through the API and compare.
        var f = FPUState()
        f.load(fnsaveImage: stored)
        #expect(f.fnsaveImage == stored)
        #expect(f.st(0) == F80.one && f.top == 6)
        m.cpu.resetFPU()
        #expect(m.cpu.fpu.empty == 0xff && m.cpu.fpu.cw == 0x037f)
    }

    @Test func integerStoresGiveTheIndefiniteWhenOutOfRange() {
        let m = machine()
        poke64(m, X87Tests.data, (1e10).bitPattern)
        // fldl (%ebx); fistpl 8(%ebx)
        m.run(movEBX + [0xdd, 0x03, 0xdb, 0x5b, 0x08])
        #expect(m.memory.read(X87Tests.data + 8, count: 4)! == [0, 0, 0, 0x80])
        #expect(m.cpu.state.pointee.fpu.sw & X87Flag.invalid != 0)
    }

    @Test func cpuidAndSmswReportTheFPU() {
        for model in CPUModel.all { #expect(model.features & CPUModel.Feature.fpu != 0) }
        let m = machine()
        m.run([0x0f, 0x01, 0xe0])   // smsw %eax
        #expect(m[.eax] & 0xffff == 0x31)
    }

    @Test func fcomiSetsEFLAGS() {
        let m = machine()
        // fld1; fldz; fcomi st(1): 0 < 1 → CF; setb %al
        m.run([0xd9, 0xe8, 0xd9, 0xee, 0xdb, 0xf1, 0x0f, 0x92, 0xc0])
        #expect(m[.eax] & 0xff == 1)
    }

    @Test func packedBCDRoundTrip() {
        let m = machine()
        m.memory.poke(X87Tests.data, [0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80])
        // fbld (%ebx); fbstp 16(%ebx)
        m.run(movEBX + [0xdf, 0x23, 0xdf, 0x73, 0x10])
        #expect(m.memory.read(X87Tests.data + 16, count: 10)! == [0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80])
    }

    @Test func fxsaveAndFxrstor() {
        let m = machine()
        // fld1; fldpi; fxsave (%ebx); fninit; fxrstor (%ebx); fstpl 0x200(%ebx)
        m.run(movEBX + [0xd9, 0xe8, 0xd9, 0xeb, 0x0f, 0xae, 0x03, 0xdb, 0xe3, 0x0f, 0xae, 0x0b,
                        0xdd, 0x9b, 0x00, 0x02, 0x00, 0x00])
        #expect(Double(bitPattern: peek64(m, X87Tests.data + 0x200)) == Double.pi)
        let image = m.memory.read(X87Tests.data, count: 64)!
        #expect(image[0] == 0x7f && image[1] == 0x03)           // FCW
        #expect(image[2] == 0x00 && image[3] == 0x30)           // FSW: TOP = 6
        #expect(image[4] == 0xc0)                               // abridged tags: R6, R7 valid
        #expect(image[32 + 7] == 0xc9 && image[32 + 9] == 0x40) // ST0 = π
        #expect(image[48 + 7] == 0x80 && image[48 + 9] == 0x3f) // ST1 = 1
        // A misaligned operand: #GP(0).
        m.memory.poke(TestMachine.code, [0x0f, 0xae, 0x43, 0x08, 0xcd, 0x80])
        m.cpu.eip = TestMachine.code
        #expect(m.cpu.run(budget: 10) == .exception(PendingFault(vector: Vector.generalProtection)))
    }

    @Test func mmxAliasesTheRegisters() {
        let m = machine()
        m[.eax] = 0x0102_0304
        // movd %eax,%mm0; paddb %mm0,%mm0; movd %mm0,%ecx; fnstsw %ax ... then emms
        m.run([0x0f, 0x6e, 0xc0, 0x0f, 0xfc, 0xc0, 0x0f, 0x7e, 0xc1])
        #expect(m[.ecx] == 0x0204_0608)
        let f = m.cpu.state.pointee.fpu
        #expect(f.top == 0 && f.empty == 0)
        #expect(f.physical(0) == F80(sig: 0x0204_0608, se: 0xffff))
        m.run([0x0f, 0x77])
        #expect(m.cpu.state.pointee.fpu.empty == 0xff)
    }

    @Test func f2xm1OfADenormalUnderflows() {
        var flags: UInt16 = 0
        let r = X87Arithmetic.f2xm1(F80(sig: 1 << 63, se: 0), cw: 0x037f, flags: &flags)
        #expect(r == F80(sig: 0x58b9_0bfb_e8e7_bcd6, se: 0))
        #expect(flags & (X87Flag.denormal | X87Flag.underflow | X87Flag.precision) ==
                X87Flag.denormal | X87Flag.underflow | X87Flag.precision)
    }

    // MARK: Fast path against the exact core

    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            return s
        }
    }

    static func operand(_ r: inout Rng) -> F80 {
        let k = r.next() % 16
        var sig = r.next() | F80.integerBit
        switch r.next() % 4 {
        case 0: sig &= ~((1 << 40) - 1)
        case 1: sig &= ~((1 << 11) - 1)
        default: break
        }
        let se: UInt16
        switch k {
        case 0: se = UInt16(truncatingIfNeeded: r.next()) | 1
        case 1: se = UInt16(truncatingIfNeeded: r.next() % 80) + 1 | (r.next() % 2 == 0 ? 0x8000 : 0)
        case 2: se = 0x7ffe - UInt16(truncatingIfNeeded: r.next() % 80) | (r.next() % 2 == 0 ? 0x8000 : 0)
        default: se = 0x3fff &+ UInt16(truncatingIfNeeded: r.next() % 256) &- 128 | (r.next() % 2 == 0 ? 0x8000 : 0)
        }
        return F80(sig: sig, se: se)
    }

    #if (arch(x86_64) || arch(i386)) && !GATE_NO_FLOAT80
    static func host(_ x: F80) -> Float80 {
        var f: Float80 = 0
        withUnsafeMutableBytes(of: &f) {
            $0.storeBytes(of: x.sig, as: UInt64.self)
            $0.storeBytes(of: x.se, toByteOffset: 8, as: UInt16.self)
        }
        return f
    }
    static func bits(_ f: Float80) -> F80 {
        withUnsafeBytes(of: f) { F80(sig: $0.load(as: UInt64.self), se: $0.load(fromByteOffset: 8, as: UInt16.self)) }
    }

    /// The host's own x87 (Swift's Float80 under the default control word, as this process
    /// runs) is an independent oracle for the exact core: results, including NaN
    /// propagation, denormal results and overflow, must agree bit for bit.
    @Test func softCoreMatchesHostFloat80() {
        var r = Rng(s: 0x9e37_79b9_7f4a_7c15)
        var mismatches = 0
        var report: [String] = []
        let specials: [F80] = [F80.zero, F80.negativeZero, F80.infinity, F80.infinity.negated(), F80.indefinite,
                               F80(sig: 0xc000_0000_0000_0001, se: 0x7fff), F80(sig: 0x8000_0000_0000_0001, se: 0xffff),
                               F80(sig: 1, se: 0), F80(sig: 0x7fff_ffff_ffff_ffff, se: 0x8000), F80.one,
                               F80(sig: 1 << 63, se: 0), F80(sig: 0x4000_0000_0000_0000, se: 0x4000),
                               F80(sig: 0x4000_0000_0000_0000, se: 0x7fff), F80(sig: 0x0000_0123_4567_8000, se: 0x8000),
                               F80(sig: UInt64.max, se: 0x7ffe), F80(sig: 1 << 63, se: 1)]
        for n in 0..<1_000_000 {
            var a = X87Tests.operand(&r)
            var b = X87Tests.operand(&r)
            if n % 5 == 0 { b = F80(sig: a.sig ^ (r.next() >> (r.next() % 64)), se: a.se ^ UInt16(r.next() % 2) << 15) }
            if n % 17 == 0 { a = specials[Int(r.next() % UInt64(specials.count))] }
            if n % 19 == 0 { b = specials[Int(r.next() % UInt64(specials.count))] }
            var fl: UInt16 = 0
            let op = Int(r.next() % 5)
            let mine: F80, theirs: F80
            let x = X87Tests.host(a), y = X87Tests.host(b)
            switch op {
            case 0: mine = X87Arithmetic.add(a, b, cw: 0x037f, flags: &fl); theirs = X87Tests.bits(x + y)
            case 1: mine = X87Arithmetic.sub(a, b, cw: 0x037f, flags: &fl); theirs = X87Tests.bits(x - y)
            case 2: mine = X87Arithmetic.mul(a, b, cw: 0x037f, flags: &fl); theirs = X87Tests.bits(x * y)
            case 3: mine = X87Arithmetic.div(a, b, cw: 0x037f, flags: &fl); theirs = X87Tests.bits(x / y)
            default: mine = X87Arithmetic.sqrt(a, cw: 0x037f, flags: &fl); theirs = X87Tests.bits(x.squareRoot())
            }
            if mine != theirs {
                mismatches += 1
                if report.count < 10 { report.append("op \(op) \(a) \(b): \(mine) want \(theirs)") }
            }
        }
        #expect(mismatches == 0, "\(report.joined(separator: "\n"))")
    }
    #endif
}
