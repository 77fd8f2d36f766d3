#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// Why a program could not be started; each reads as a one-line message, with the
/// status a shell would give (126: found but not runnable, 127: not found).
public enum ExecError: Error, CustomStringConvertible {
    case notFound(String)
    case unreadable(String)
    case badELF(String, ELFError)
    case interpreterMissing(String)
    case noAddressSpace

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file or directory"
        case .unreadable(let p): return "\(p): cannot read the file"
        case .badELF(let p, let e): return "\(p): \(e)"
        case .interpreterMissing(let p): return "\(p): interpreter not found (use --root DIR with the i386 libraries)"
        case .noAddressSpace: return "cannot reserve 4 GiB of address space for the guest"
        }
    }

    public var shellStatus: Int32 {
        switch self {
        case .notFound, .interpreterMissing: return 127
        default: return 126
        }
    }
}

extension Kernel {
    static let stackSize: UInt32 = 8 << 20

    /// Loads `path` (a host path) as binfmt_elf does — the program, its PT_INTERP
    /// interpreter from under the root, the break after the bss, the stack with argv,
    /// envp and the auxiliary vector — and sets the registers for its first instruction.
    public func exec(path: String, arguments: [String]) throws {
        let file: ProgramFile?
        do { file = try ProgramFile(path: path) } catch { throw ExecError.badELF(path, error) }
        guard let file else {
            throw access(path, F_OK) == 0 ? ExecError.unreadable(path) : ExecError.notFound(path)
        }
        try exec(elf: file.elf, file: file.fd, path: path, arguments: arguments, environment: options.environment)
    }

    /// Loads an executable image held in memory, named `path`.
    public func exec(image data: [UInt8], path: String, arguments: [String]) throws {
        try exec(image: data, path: path, arguments: arguments, environment: options.environment)
    }

    /// Loads an executable image with the given environment (execve inside Gate).
    func exec(image data: [UInt8], path: String, arguments: [String], environment: [String]) throws {
        let elf: ELFFile
        do { elf = try ELFFile(data) } catch let e as ELFError { throw ExecError.badELF(path, e) }
        try exec(elf: elf, file: -1, path: path, arguments: arguments, environment: environment)
    }

    /// Loads `elf`, whose segments come from the open `file` (or, with -1, from
    /// `elf.bytes`).
    func exec(elf: ELFFile, file: Int32, path: String, arguments: [String], environment: [String]) throws {
        let mm = process.mm
        let memory = process.memory

        var program: ELFLoader.Image
        do {
            program = try ELFLoader.load(elf, into: memory, addressSpace: mm, path: path, file: file)
        } catch let e as ELFError { throw ExecError.badELF(path, e) }
        mm.startBrk = program.end
        mm.brk = program.end

        var interpreterBase: UInt32 = 0
        var entryPoint = program.entry
        if let interp = elf.interpreter {
            // Resolved inside the root: no symlink may lead out of it.
            guard let hostPath = try? PathResolver.hostPath(of: interp, process: process) else {
                throw ExecError.interpreterMissing(interp)
            }
            let ldFile: ProgramFile?
            do { ldFile = try ProgramFile(path: hostPath) } catch { throw ExecError.badELF(interp, error) }
            guard let ldFile else { throw ExecError.interpreterMissing(interp) }
            let ld = ldFile.elf
            let span = ELFLoader.span(ld)
            guard let base = mm.findFree(length: span.length) else { throw ExecError.badELF(interp, .badSegment("no room")) }
            let image: ELFLoader.Image
            do {
                image = try ELFLoader.load(ld, into: memory, bias: base &- span.low, addressSpace: mm, path: interp,
                                           file: ldFile.fd)
            } catch let e as ELFError { throw ExecError.badELF(interp, e) }
            interpreterBase = image.bias
            entryPoint = image.entry
        }

        let top = KernelLayout.pageOffset
        mm.map(top - Kernel.stackSize, length: Kernel.stackSize, permission: PagePermission.userWrite, name: "[stack]")
        let random = HostRandom.bytes(16)
        let cpu = process.cpu
        var auxv: [(AuxType, UInt32)] = []
        auxv.append((.sysinfo, boot.vdso.vsyscall))
        auxv.append((.sysinfoEHDR, VDSOImage.base))
        auxv.append((.hwcap, options.model.features))
        auxv.append((.pagesz, 4096))
        auxv.append((.clktck, 100))
        auxv.append((.phdr, program.phdr))
        auxv.append((.phent, 32))
        auxv.append((.phnum, program.phnum))
        auxv.append((.base, interpreterBase))
        auxv.append((.flags, 0))
        auxv.append((.entry, program.entry))
        auxv.append((.uid, process.uid))
        auxv.append((.euid, process.uid))
        auxv.append((.gid, process.gid))
        auxv.append((.egid, process.gid))
        auxv.append((.secure, 0))
        let guestPath = guestPath(ofHostPath: path)
        let stack = InitialStack.build(memory: memory, top: top, arguments: arguments,
                                       environment: environment, executable: guestPath,
                                       auxv: auxv, random: random)
        process.auxv = stack.auxv.map { ($0.0.rawValue, $0.1) }
        process.executable = guestPath
        process.arguments = arguments
        process.environment = environment

        // ELF_PLAT_INIT: the general registers start at zero.
        for r in Reg.allCases { cpu.setRegister(r, 0) }
        cpu.setRegister(.esp, stack.stackPointer)
        cpu.eip = entryPoint
        cpu.eflags = 0x202
        // flush_thread: the new program starts with a freshly initialised FPU.
        cpu.resetFPU()
    }

    /// The name the guest knows a host file by: inside the root it loses the root's
    /// prefix (`ROOT/bin/ls` is `/bin/ls`); outside, it keeps the host path.
    func guestPath(ofHostPath path: String) -> String {
        func absolute(_ p: String) -> String {
            if p.hasPrefix("/") { return p }
            var buf = [CChar](repeating: 0, count: 4096)
            let cwd = getcwd(&buf, buf.count) != nil ? String(cString: buf) : ""
            // /proc/self/exe is absolute and clean: glibc's _dl_get_origin insists.
            var parts: [Substring] = []
            for c in (cwd + "/" + p).split(separator: "/") {
                if c == "." || c.isEmpty { continue }
                if c == ".." { _ = parts.popLast() } else { parts.append(c) }
            }
            return "/" + PathResolver.joined(parts)
        }
        let a = absolute(path)
        let root = process.fs.root
        guard root != "/" else { return a }
        let r = absolute(root)
        return a.hasPrefix(r + "/") ? String(a.dropFirst(r.count)) : a
    }

    /// The host's current directory as the guest names it, so that `gate run ./prog`
    /// reads and writes relative paths where the program was started; `/` when the
    /// host's lies outside the root.
    static func startingDirectory(root: String) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "/" }
        let here = String(cString: buf)
        if root == "/" { return here }
        let rootHost = root.hasPrefix("/") ? root : here + "/" + root
        let rootComponents = PathResolver.components(rootHost).filter { $0 != "." }
        let hereComponents = PathResolver.components(here)
        guard hereComponents.starts(with: rootComponents) else { return "/" }
        return PathResolver.join(Array(hereComponents.dropFirst(rootComponents.count)))
    }
}
