import Linux
import X86Asm

/// The built-in i386 programs `gate demo` and `gate bench-syscall` run, assembled by
/// X86Asm: they need no files on the host.
enum GuestPrograms {
    /// The two ways a program makes a system call.
    enum Way: CaseIterable {
        /// `int $0x80`, straight from the program.
        case int80
        /// `call *%edi` with EDI = AT_SYSINFO: `__kernel_vsyscall` in linux-gate.so.1,
        /// which uses sysenter on a CPU with SEP and `int $0x80` otherwise.
        case vsyscall
    }

    /// Leaves AT_SYSINFO (`__kernel_vsyscall`) in EDI: walks past argv and envp to the
    /// auxiliary vector, as glibc's start-up code does.
    static func findSysinfo(_ a: inout Assembler) {
        let skipEnv = a.newLabel(), auxLoop = a.newLabel(), found = a.newLabel()
        a.mov(.ecx, Mem(base: .esp))                                  // argc
        a.lea(.esi, Mem(base: .esp, index: .ecx, scale: 4, disp: 8))  // envp
        a.bind(skipEnv)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 4)
        a.test(.eax, .eax); a.j(.ne, skipEnv)
        a.bind(auxLoop)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 8)
        a.cmp(.eax, imm: 32); a.j(.e, found)                          // AT_SYSINFO
        a.test(.eax, .eax); a.j(.ne, auxLoop)
        a.bind(found)
        a.mov(.edi, Mem(base: .esi, disp: -4))
    }

    static func getpid(_ a: inout Assembler, _ way: Way) {
        a.mov(.eax, imm: 20)
        switch way {
        case .int80: a.int(0x80)
        case .vsyscall: a.call(.edi)
        }
    }

    static func exit(_ a: inout Assembler, status: UInt32) {
        a.mov(.eax, imm: 1); a.mov(.ebx, imm: status); a.int(0x80)
    }

    /// The demo: getpid both ways, a line written through the vDSO, an integer loop
    /// (add, lea, xor, dec, jnz) of `iterations`, exit(0).
    static func demo(iterations: UInt32) throws -> [UInt8] {
        var a = Assembler(origin: ExecutableImage.codeAddress)
        let message = a.newLabel("message"), loop = a.newLabel("loop")
        findSysinfo(&a)
        getpid(&a, .int80)
        getpid(&a, .vsyscall)
        let text = Array("hello from i386 code, through linux-gate.so.1\n".utf8)
        a.mov(.eax, imm: 4); a.mov(.ebx, imm: 1); a.mov(.ecx, label: message); a.mov(.edx, imm: UInt32(text.count))
        a.call(.edi)
        a.mov(.ecx, imm: iterations); a.xor(.eax, .eax); a.mov(.edx, imm: 1)
        a.bind(loop)
        a.add(.eax, .edx)
        a.lea(.edx, Mem(base: .edx, index: .edx, scale: 1, disp: 3))
        a.xor(.edx, .eax)
        a.dec(.ecx)
        a.j(.ne, loop)
        exit(&a, status: 0)
        a.bind(message)
        a.raw(text)
        return try a.finish()
    }

    /// `count` getpid calls one way, in a `dec %ebx; jnz` loop (EBX survives the calls),
    /// then exit(0).
    static func getpidLoop(_ way: Way, count: UInt32) throws -> [UInt8] {
        var a = Assembler(origin: ExecutableImage.codeAddress)
        let loop = a.newLabel("loop")
        findSysinfo(&a)
        a.mov(.ebx, imm: count)
        a.bind(loop)
        getpid(&a, way)
        a.dec(.ebx)
        a.j(.ne, loop)
        exit(&a, status: 0)
        return try a.finish()
    }
}
