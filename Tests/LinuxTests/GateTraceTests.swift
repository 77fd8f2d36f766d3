import Foundation
import Testing
@testable import IA32
@testable import Linux
import X86Asm

/// `--trace=syscall` and the walk behind `gate demo` and `gate bench-syscall`: every
/// instruction of a system call's journey, the pt_regs frame at dispatch, and the
/// privilege and stack changes of each path.
struct GateTraceTests {
    /// Register values the program sets before its getpid call; pt_regs must hold them.
    static let marks: [(R32, String, UInt32)] = [
        (.ebx, "ebx", 0x1111_1111), (.ecx, "ecx", 0x2222_2222), (.edx, "edx", 0x3333_3333),
        (.esi, "esi", 0x4444_4444), (.edi, "edi", 0x5555_5555), (.ebp, "ebp", 0x6666_6666)]

    /// A program that finds AT_SYSINFO, sets every argument register, calls getpid
    /// through `__kernel_vsyscall` (or `int $0x80`), and exits with getpid's result & 0xff.
    static func program(viaVDSO: Bool) throws -> [UInt8] {
        var a = Assembler(origin: ExecutableImage.codeAddress)
        let skipEnv = a.newLabel(), auxLoop = a.newLabel(), found = a.newLabel()
        a.mov(.ecx, Mem(base: .esp))
        a.lea(.esi, Mem(base: .esp, index: .ecx, scale: 4, disp: 8))
        a.bind(skipEnv)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 4); a.test(.eax, .eax); a.j(.ne, skipEnv)
        a.bind(auxLoop)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 8)
        a.cmp(.eax, imm: 32); a.j(.e, found)
        a.test(.eax, .eax); a.j(.ne, auxLoop)
        a.bind(found)
        a.mov(.eax, Mem(base: .esi, disp: -4))
        a.push(R32.eax)                                       // __kernel_vsyscall, at (%esp)
        for (r, _, v) in marks { a.mov(r, imm: v) }
        a.mov(.eax, imm: 20)
        if viaVDSO { a.call(Mem(base: .esp)) } else { a.int(0x80) }
        a.mov(.ebx, .eax); a.mov(.eax, imm: 1); a.int(0x80)
        return try a.finish()
    }

    static func kernel(model: CPUModel, viaVDSO: Bool) throws -> Kernel {
        var options = Kernel.Options()
        options.model = model
        let kernel = try Kernel(options: options)
        try kernel.exec(image: ExecutableImage.make(code: try program(viaVDSO: viaVDSO)), path: "/getpid", arguments: ["getpid"])
        return kernel
    }

    static func trace(model: CPUModel, viaVDSO: Bool, _ selection: String = "syscall") throws -> (lines: [String], exit: Kernel.Exit) {
        let kernel = try kernel(model: model, viaVDSO: viaVDSO)
        var lines: [String] = []
        InstructionTracer(kernel: kernel, selection: try #require(InstructionTracer.Selection(selection))) {
            lines.append($0)
        }.attach()
        let exit = kernel.run()
        return (lines, exit)
    }

    @Test func sysenterPathOnTheDefaultModel() throws {
        let (lines, exit) = try Self.trace(model: .default, viaVDSO: true)
        #expect(exit == .exited(Int32(1000 & 0xff)))
        let text = lines.joined(separator: "\n")
        for needle in ["<__kernel_vsyscall>:", "sysenter", "<sysenter_entry>:", "<sysenter_call>:",
                       "<sys_getpid>:", "sysexit", "<SYSENTER_RETURN>:", "ret"] {
            #expect(text.contains(needle), "trace lacks \(needle)")
        }
        #expect(!text.contains("iret"))
        // Every kernel instruction is marked CPL 0, every user one CPL 3.
        #expect(lines.contains { $0.hasPrefix("[cpl0]") && $0.contains("sysexit") })
        #expect(lines.contains { $0.hasPrefix("[cpl3]") && $0.contains("sysenter") })
        #expect(lines.contains { $0.hasPrefix("[cpl3]") && $0.contains("call   *(%esp)") })
    }

    @Test func int80PathOnPentium() throws {
        let (lines, _) = try Self.trace(model: .pentium, viaVDSO: true)
        let text = lines.joined(separator: "\n")
        for needle in ["<__kernel_vsyscall>:", "int    $0x80", "<system_call>:", "<syscall_call>:", "iret"] {
            #expect(text.contains(needle), "trace lacks \(needle)")
        }
        #expect(!text.contains("sysenter") && !text.contains("sysexit"))
    }

    @Test(arguments: [(CPUModel.default, true), (.pentium, true), (.default, false)])
    func ptRegsAtDispatchEqualTheRegistersAtTheCall(model: CPUModel, viaVDSO: Bool) throws {
        let (lines, _) = try Self.trace(model: model, viaVDSO: viaVDSO)
        let frame = try #require(lines.first { $0.contains("pt_regs at dispatch") })
        for (_, r, v) in Self.marks {
            #expect(frame.contains("\(r)=0x\(String(v, radix: 16))"), "\(r) in \(frame)")
        }
        #expect(frame.contains("orig_eax=20"))
        #expect(frame.contains("cs=0x73") && frame.contains("ss=0x7b"))
    }

    @Test func selectsTheNthCallAndCallsByName() throws {
        let first = try Self.trace(model: .default, viaVDSO: true, "syscall:1").lines
        #expect(first.first?.hasPrefix("# system call 1: getpid") == true)
        #expect(!first.joined().contains("# system call 2"))
        let exits = try Self.trace(model: .default, viaVDSO: true, "syscall:exit").lines
        #expect(exits.first?.hasPrefix("# system call 2: exit") == true)
        #expect(!exits.joined().contains("getpid"))
    }

    @Test func rangeTraceShowsOnlyThatRange() throws {
        let kernel = try Self.kernel(model: .default, viaVDSO: true)
        let vsyscall = kernel.boot.vdso.vsyscall
        var lines: [String] = []
        InstructionTracer(kernel: kernel, selection: .range(vsyscall...(vsyscall + 0x13))) { lines.append($0) }.attach()
        _ = kernel.run()
        let instructions = lines.filter { $0.hasPrefix("[cpl") }
        #expect(instructions.count >= 8)                      // push ×3, mov, sysenter, pop ×3, ret
        #expect(instructions.allSatisfy { $0.hasPrefix("[cpl3]") })
        #expect(InstructionTracer.Selection("0xffffe400-0xffffe413") == .range(0xffffe400...0xffffe413))
        #expect(InstructionTracer.Selection("0xffffe400+20") == .range(0xffffe400...0xffffe413))
        #expect(InstructionTracer.Selection("nonsense") == nil)
    }

    @Test func walksCountPrivilegeAndStackChanges() throws {
        func walk(_ model: CPUModel, viaVDSO: Bool) throws -> GateWalk {
            let kernel = try Self.kernel(model: model, viaVDSO: viaVDSO)
            let walker = GateWalker(kernel: kernel)
            walker.collect(1, from: kernel)
            _ = kernel.run()
            return try #require(walker.completed.first)
        }
        let sysenter = try walk(.default, viaVDSO: true)
        #expect(sysenter.path == .sysenter)
        #expect(sysenter.number == 20 && sysenter.result == 1000)
        #expect(sysenter.privilegeChanges == 2)
        #expect(sysenter.stackSwitches.map(\.to) == [.sysenterStack, .kernel, .user])
        let int80 = try walk(.default, viaVDSO: false)
        #expect(int80.path == .int80)
        #expect(int80.privilegeChanges == 2)
        #expect(int80.stackSwitches.map(\.to) == [.kernel, .user])
        #expect(int80.userInstructions == 1)                  // just the int $0x80
        #expect(sysenter.userInstructions > int80.userInstructions)
        // The published figures behind the table: sysenter won on every family measured.
        #expect(EntryCostTable.measurements.allSatisfy { $0.factor > 1 })
        #expect(!EntryCostTable.measurements(forModel: "pentium4").isEmpty)
    }

    @Test func realProgramTraceStartsAtCallThroughGS() throws {
        var options = Kernel.Options()
        options.environment = GateHarness.environment
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        options.stdout = null
        let kernel = try Kernel(options: options)
        try kernel.exec(path: GateHarness.programs.appendingPathComponent("hello-static").path, arguments: ["hello-static"])
        var lines: [String] = []
        InstructionTracer(kernel: kernel, selection: .syscalls(nth: nil, name: "write")) { lines.append($0) }.attach()
        #expect(kernel.run() == .exited(0))
        let firstInstruction = try #require(lines.first { $0.hasPrefix("[cpl") })
        #expect(firstInstruction.hasPrefix("[cpl3]") && firstInstruction.hasSuffix("call   *%gs:0x10"))
        #expect(lines.contains { $0.contains("back in user mode") && $0.contains("eax = 42") })
    }
}
