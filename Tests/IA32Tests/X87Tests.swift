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

    @Test func fastPathAgreesWithTheExactCore() {
        var r = Rng(s: 0x9e37_79b9_7f4a_7c15)
        var mismatches = 0
        var report: [String] = []
        for n in 0..<400_000 {
            let a = X87Tests.operand(&r)
            var b = X87Tests.operand(&r)
            if n % 5 == 0 { b = F80(sig: a.sig ^ (r.next() >> (r.next() % 64)), se: a.se ^ UInt16(r.next() % 2) << 15) }
            let cw = UInt16(0x0040 | 0x3f) | UInt16(r.next() % 4) << 10 | [0, 2, 3, 3][Int(r.next() % 4)] << 8
            let op = Int(r.next() % 5)
            var f1: UInt16 = 0, f2: UInt16 = 0
            let x: F80, y: F80
            switch op {
            case 0:
                x = X87Arithmetic.add(a, b, cw: cw, flags: &f1); y = SoftF80.add(a, b, cw: cw, flags: &f2)
            case 1:
                x = X87Arithmetic.mul(a, b, cw: cw, flags: &f1); y = SoftF80.mul(a, b, cw: cw, flags: &f2)
            case 2:
                x = X87Arithmetic.div(a, b, cw: cw, flags: &f1); y = SoftF80.div(a, b, cw: cw, flags: &f2)
            case 3:
                x = X87Arithmetic.sqrt(a.magnitude(), cw: cw, flags: &f1); y = SoftF80.sqrt(a.magnitude(), cw: cw, flags: &f2)
            default:
                x = X87Arithmetic.sub(a, b, cw: cw, flags: &f1); y = SoftF80.add(a, b.negated(), cw: cw, flags: &f2)
            }
            if x != y || f1 != f2 {
                mismatches += 1
                if report.count < 10 { report.append("op \(op) \(a) \(b) cw \(String(cw, radix: 16)): \(x)/\(String(f1, radix: 16)) vs \(y)/\(String(f2, radix: 16))") }
            }
        }
        #expect(mismatches == 0, "\(report.joined(separator: "\n"))")
    }
}
