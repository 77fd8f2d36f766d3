#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// execve and execveat inside Gate (fs/exec.c): the calling process gets a new address
/// space — booted like the first one, with the kernel half, the vDSO and a fresh CPU —
/// and the new program's ELF image, stack and auxiliary vector. `#!` scripts run their
/// interpreter, in Gate too. Everything that can fail is checked before the old
/// address space is dropped; after that point a failure kills the process (SIGSEGV).
public enum ExecSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(11, "execve", [.path, .pointer, .pointer], { c in
            c.kernel?.execve(c, dirfd: LinuxAT.fdcwd, path: c.arg(0), argv: c.arg(1), envp: c.arg(2), flags: 0)
                ?? Errno.ENOSYS.negated }),
        SyscallEntry(358, "execveat", [.dirfd, .path, .pointer, .pointer, .hex], { c in
            c.kernel?.execve(c, dirfd: c.int(0), path: c.arg(1), argv: c.arg(2), envp: c.arg(3), flags: c.arg(4))
                ?? Errno.ENOSYS.negated }),
    ]

    /// A NULL-terminated array of string pointers (argv, envp); nil on a bad pointer.
    static func strings(_ c: SyscallContext, at address: UInt32) -> [String]? {
        if address == 0 { return [] }
        var out: [String] = []
        var total = 0
        var a = address
        while true {
            guard let p = c.u32(at: a) else { return nil }
            if p == 0 { return out }
            guard let s = c.string(at: p, max: 128 * 1024) else { return nil }
            total += s.utf8.count + 1
            if total > 2 * 1024 * 1024 || out.count > 65536 { return nil }   // beyond ARG_MAX: E2BIG below
            out.append(s)
            a &+= 4
        }
    }
}

extension Kernel {
    static let AT_EMPTY_PATH: UInt32 = 0x1000, AT_SYMLINK_NOFOLLOW: UInt32 = 0x100
    /// BINPRM_BUF_SIZE: how much of a `#!` line the kernel reads.
    static let shebangMax = 128

    /// What execve will load, found and checked before the point of no return.
    struct ExecPlan {
        var hostPath: String
        /// The program, opened and its headers checked; its segments are read at commit.
        var file: ProgramFile
        var arguments: [String]
    }

    func execve(_ c: SyscallContext, dirfd: Int32, path pathAddress: UInt32, argv: UInt32, envp: UInt32,
                flags: UInt32) -> Int32 {
        guard let path = c.string(at: pathAddress) else { return Errno.EFAULT.negated }
        guard let args = ExecSyscalls.strings(c, at: argv), let env = ExecSyscalls.strings(c, at: envp) else {
            return Errno.EFAULT.negated
        }
        if flags & ~(Kernel.AT_EMPTY_PATH | Kernel.AT_SYMLINK_NOFOLLOW) != 0 { return Errno.EINVAL.negated }
        let p = c.process
        let plan: ExecPlan
        do throws(Errno) {
            var guestPath = path
            if path.isEmpty {
                guard flags & Kernel.AT_EMPTY_PATH != 0 else { throw .ENOENT }
                guard let f = p.files.get(dirfd) else { throw .EBADF }
                guestPath = f.path
            }
            let r = try PathResolver.resolve(guestPath, at: path.isEmpty ? LinuxAT.fdcwd : dirfd, process: p,
                                             followFinal: flags & Kernel.AT_SYMLINK_NOFOLLOW == 0)
            if !r.exists { throw .ENOENT }
            if r.isProc { throw .EACCES }
            plan = try planExec(hostPath: r.hostPath, name: path.isEmpty ? guestPath : path, arguments: args, depth: 0)
        } catch {
            return error.negated
        }
        return commitExec(c, plan, environment: env)
    }

    /// Finds what to run: an ELF image (whose interpreter must exist), or a `#!`
    /// script's interpreter with the script's path among its arguments.
    func planExec(hostPath: String, name: String, arguments: [String], depth: Int) throws(Errno) -> ExecPlan {
        var st = stat()
        guard stat(hostPath, &st) == 0 else { throw .ENOENT }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .EACCES }
        guard access(hostPath, X_OK) == 0 else { throw .EACCES }
        // The first bytes, as binfmt_script and binfmt_elf look at them.
        let fd = open(hostPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .EACCES }
        let data = ProgramFile.read(fd, upTo: Kernel.shebangMax)
        close(fd)
        guard let data else { throw .EACCES }
        if data.count >= 2 && data[0] == 0x23 && data[1] == 0x21 {       // "#!"
            if depth >= 4 { throw .ELOOP }
            var line = data[2..<min(data.count, Kernel.shebangMax)]
            if let nl = line.firstIndex(of: 0x0a) { line = line[line.startIndex..<nl] }
            let text = String(decoding: line, as: UTF8.self).trimmingSpaces
            guard !text.isEmpty else { throw .ENOEXEC }
            let interpreter: String, argument: String?
            if let sp = text.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                interpreter = String(text[..<sp])
                let rest = String(text[sp...]).trimmingSpaces
                argument = rest.isEmpty ? nil : rest
            } else {
                interpreter = text
                argument = nil
            }
            let host = try PathResolver.hostPath(of: interpreter, process: process)
            var args = [interpreter]
            if let argument { args.append(argument) }
            args.append(name)
            args += arguments.dropFirst()
            return try planExec(hostPath: host, name: interpreter, arguments: args, depth: depth + 1)
        }
        let opened: ProgramFile?
        do { opened = try ProgramFile(path: hostPath) } catch { throw .ENOEXEC }
        guard let file = opened else { throw .EACCES }
        if let interp = file.elf.interpreter {
            _ = try PathResolver.hostPath(of: interp, process: process)
        }
        return ExecPlan(hostPath: hostPath, file: file, arguments: arguments)
    }

    /// flush_old_exec and load_elf_binary: past this point there is no going back.
    func commitExec(_ c: SyscallContext, _ plan: ExecPlan, environment: [String]) -> Int32 {
        let task = current
        let p = task.process
        guard let memory = GuestMemory() else { return Errno.ENOMEM.negated }
        let cpu = CPU(memory: memory, model: options.model)
        guard (try? Boot(memory: memory, cpu: cpu)) != nil else { return Errno.ENOMEM.negated }
        // exec_mmap: a vfork child gives its parent's memory back.
        releaseVforkMemory(p)
        // de_thread: the other threads go.
        for t in p.threads where t !== task { retire(t) }
        exitRobustList(task)                    // mm_release of the old memory
        task.savedCPU = nil; task.savedKernelStack = nil; task.savedTLS = nil; task.savedSignals = nil
        p.memory = memory
        p.cpu = cpu
        p.mm = AddressSpace(memory: memory)
        p.mm.record(AddressSpace.Area(start: VDSOImage.base, end: VDSOImage.base + 0x1000,
                                      permission: PagePermission.userRead | PagePermission.exec, name: "[vdso]"))
        p.activeThread = task
        // Descriptors: no longer shared, and the close-on-exec ones close.
        p.files = p.files.copy()
        p.files.closeExecDescriptors()
        // Handlers do not survive the program they were in; ignored signals stay ignored.
        for i in 1...64 where p.signals.actions[i].handler > SignalState.Action.ignore {
            p.signals.actions[i] = SignalState.Action()
        }
        p.signals.altStack = (0, 2, 0)
        p.signals.savedMask = nil
        // exit_itimers: POSIX timers end with the program; the interval timers stay.
        p.posixTimers = [:]
        task.clearChildTid = 0
        p.dumpable = 1
        p.name = String(PathResolver.lastComponent(guestPath(ofHostPath: plan.hostPath)).prefix(15))
        do {
            try exec(elf: plan.file.elf, file: plan.file.fd, path: plan.hostPath, arguments: plan.arguments,
                     environment: environment)
        } catch {
            p.exitStatus = 11
            return 0
        }
        task.execed = true
        p.vforkDone?.wakeAll()
        p.vforkDone = nil
        return 0
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
