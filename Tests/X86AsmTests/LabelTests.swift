// Unit tests: labels, fixups, origin, errors and prefix bookkeeping.
import Testing
@testable import X86Asm

struct LabelTests {
    @Test func undefinedLabelThrows() {
        var a = Assembler()
        let l = a.newLabel("nowhere")
        a.jmp(l)
        #expect(throws: AsmError.undefinedLabel("nowhere")) { try a.finish() }

        var b = Assembler()
        b.dd(b.newLabel())
        #expect(throws: AsmError.undefinedLabel("#0")) { try b.finish() }
    }

    @Test func shortBranchOutOfRange() throws {
        var a = Assembler()
        let far = a.newLabel("far")
        a.jmp(short: far)
        a.nop(count: 128)
        a.bind(far)
        #expect(throws: AsmError.self) { try a.finish() }
        do { _ = try a.finish() } catch let e as AsmError {
            guard case .branchOutOfRange(let s) = e else { Issue.record("\(e)"); return }
            #expect(s.contains("far"))
        } catch { Issue.record("\(error)") }

        // Backward, already bound: reported too.
        var b = Assembler()
        let back = b.label("back")
        b.nop(count: 200)
        b.loop(back)
        #expect(throws: AsmError.self) { try b.finish() }

        // Exactly in reach: fine.
        var c = Assembler()
        let edge = c.newLabel("edge")
        c.j(.e, short: edge)
        c.nop(count: 127)
        c.bind(edge)
        #expect(try c.finish() == [0x74, 0x7F] + Array(repeating: 0x90, count: 127))
    }

    @Test func invalidOperands() {
        let cases: [(String, (inout Assembler) -> Void)] = [
            ("esp index", { $0.mov(.eax, Mem(base: .eax, index: .esp)) }),
            ("scale 3", { $0.lea(.eax, Mem(base: .eax, index: .ebx, scale: 3)) }),
            ("scale without index", { $0.lea(.eax, Mem(base: .eax, scale: 2)) }),
            ("mov to cs", { $0.movSeg(.cs, .eax) }),
            ("pop cs", { $0.pop(Seg.cs) }),
            ("shift by dl", { $0.shl(.eax, .dl) }),
            ("two overrides", { $0.seg(.fs); $0.mov(.eax, Mem(base: .ebx, seg: .gs)) }),
            ("cr9", { $0.movToCR(9, .eax) }),
            ("bound twice", { let l = $0.label("x"); $0.bind(l) }),
        ]
        for (what, build) in cases {
            var a = Assembler()
            build(&a)
            a.ret()
            #expect(throws: AsmError.self, "\(what)") { try a.finish() }
            do { _ = try a.finish() } catch let e as AsmError {
                guard case .invalidOperands = e else { Issue.record("\(what): \(e)"); continue }
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func originSymbolsAndFixups() throws {
        var a = Assembler(origin: 0xFFFF_E000)
        #expect(a.here == 0xFFFF_E000)
        let target = a.newLabel("target")
        a.call(target)                       // E8 rel32, patched at finish
        #expect(a.bytes == [0xE8, 0, 0, 0, 0])
        a.mov(.eax, label: target)           // B8 abs32
        a.dd(target)
        let entry = a.label("entry")
        #expect(a.address(of: entry) == 0xFFFF_E00E)
        a.bind(target)
        a.ret()
        #expect(a.symbols == ["entry": 0xFFFF_E00E, "target": 0xFFFF_E00E])
        #expect(a.address(of: a.newLabel()) == nil)
        let code = try a.finish()
        #expect(code == [0xE8, 0x09, 0, 0, 0, 0xB8, 0x0E, 0xE0, 0xFF, 0xFF, 0x0E, 0xE0, 0xFF, 0xFF, 0xC3])
        #expect(a.bytes == code)
        #expect(try a.finish() == code)     // finishing twice is harmless
    }

    @Test func branchSizeChoice() throws {
        var a = Assembler()
        let top = a.label("top")
        a.jmp(top)                           // bound, in reach: EB
        a.j(.ne, top)                        // 75
        let fwd = a.newLabel()
        a.jmp(fwd)                           // unbound: E9 rel32
        a.j(.ne, fwd)                        // 0F 85 rel32
        a.bind(fwd)
        #expect(try a.finish() == [0xEB, 0xFE, 0x75, 0xFC, 0xE9, 0x06, 0, 0, 0, 0x0F, 0x85, 0, 0, 0, 0])
    }

    @Test func prefixesAndConditions() throws {
        var a = Assembler()
        a.lock()                             // nothing follows: emitted alone at finish
        #expect(try a.finish() == [0xF0])

        var b = Assembler()
        b.rep(); b.lock(); b.seg(.gs); b.opsize()
        b.mov(.eax, .ecx)
        #expect(try b.finish() == [0x65, 0x66, 0xF3, 0xF0, 0x89, 0xC8])

        #expect(Cond.z == .e && Cond.nz == .ne && Cond.c == .b && Cond.nc == .ae)
        #expect(Cond.na == .be && Cond.nbe == .a && Cond.pe == .p && Cond.po == .np)
        #expect(Cond.nge == .l && Cond.nl == .ge && Cond.ng == .le && Cond.nle == .g)
        #expect(Cond.nae == .b && Cond.nb == .ae)
        #expect(Cond.e.inverted == .ne && Cond.a.inverted == .be && Cond.g.inverted == .le)
        #expect(Mem(base: .ebp).defaultSeg == .ss && Mem(base: .esp).defaultSeg == .ss)
        #expect(Mem(base: .eax, index: .ebp).defaultSeg == .ds && Mem.abs(4).defaultSeg == .ds)
    }

    @Test func dataAndAlignment() throws {
        var a = Assembler(origin: 0x1001)
        a.align(4)
        #expect(a.here == 0x1004)
        a.db(0xAA); a.dw(0xBBCC); a.dd(0x1122_3344)
        a.align(8, fill: 0)
        a.asciz("hi")
        #expect(try a.finish() == [0x90, 0x90, 0x90, 0xAA, 0xCC, 0xBB, 0x44, 0x33, 0x22, 0x11,
                                  0, 0, 0, 0, 0, 0x68, 0x69, 0])
    }
}
