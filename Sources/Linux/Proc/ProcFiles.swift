#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// /proc for the running program (fs/proc): the process's own directory — exe, maps
/// with `[vdso]`, `[stack]` and `[heap]`, auxv, cmdline, environ, stat, status, fd/ —
/// reached as /proc/self or /proc/PID, and the system files programs read: cpuinfo
/// consistent with the CPU model, meminfo, version, uptime, loadavg, filesystems.
/// /proc/self/mem is served live by the file layer (it reads guest memory).
public final class ProcFiles: ProcFileProvider {
    public init() {}

    /// Splits "/proc/1000/maps" into ("1000", "maps"); nil when not a process path.
    func processPath(_ path: String, _ process: Process) -> String?? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "proc", parts[1] == String(process.pid) else { return nil }
        return .some(parts.count > 2 ? PathResolver.joined(parts[2...]) : nil)
    }

    public func open(path: String, process: Process) -> [UInt8]? {
        if let sub = processPath(path, process) {
            guard let sub else { return nil }
            return processFile(sub, process).map { Array($0.utf8) } ?? (sub == "auxv" ? auxv(process) : nil)
        }
        switch path {
        case "/proc/cpuinfo": return Array(cpuinfo(process.cpu.model).utf8)
        case "/proc/meminfo":
            return Array("MemTotal:        1048576 kB\nMemFree:          786432 kB\nMemAvailable:     786432 kB\nBuffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n".utf8)
        case "/proc/version":
            return Array("Linux version \(SystemSyscalls.release) (gate@gate) (Gate) \(SystemSyscalls.version)\n".utf8)
        case "/proc/uptime":
            var up = timespec()
            clock_gettime(CLOCK_MONOTONIC, &up)
            return Array("\(up.tv_sec).\(String(format2(up.tv_nsec / 10_000_000))) 0.00\n".utf8)
        case "/proc/loadavg": return Array("0.00 0.00 0.00 1/1 \(process.pid)\n".utf8)
        case "/proc/filesystems": return Array("nodev\tproc\n\text4\n".utf8)
        case "/proc/mounts":
            return Array("/ / ext4 rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n".utf8)
        default: return nil
        }
    }

    func format2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    func processFile(_ name: String, _ p: Process) -> String? {
        switch name {
        case "maps": return p.mm.mapsText()
        case "cmdline": return p.arguments.map { $0 + "\u{0}" }.joined()
        case "environ": return p.environment.map { $0 + "\u{0}" }.joined()
        case "comm": return commName(p) + "\n"
        case "stat":
            return "\(p.pid) (\(commName(p))) R \(p.parentPid) \(p.pgid) \(p.sid) 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 0 "
                + "\(p.mm.areas.reduce(0) { $0 + Int($1.end - $1.start) }) 0 4294967295 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        case "status":
            return "Name:\t\(commName(p))\nState:\tR (running)\nTgid:\t\(p.pid)\nPid:\t\(p.pid)\nPPid:\t\(p.parentPid)\n"
                + "Uid:\t\(p.uid)\t\(p.uid)\t\(p.uid)\t\(p.uid)\nGid:\t\(p.gid)\t\(p.gid)\t\(p.gid)\t\(p.gid)\nThreads:\t1\n"
        default: return nil
        }
    }

    func commName(_ p: Process) -> String {
        if !p.name.isEmpty { return p.name }
        return String((p.executable.split(separator: "/").last ?? "").prefix(15))
    }

    func auxv(_ p: Process) -> [UInt8] {
        p.auxv.flatMap { GuestLayout.le32($0.0) + GuestLayout.le32($0.1) }
    }

    public func readlink(path: String, process: Process) -> String? {
        if path == "/proc/self" { return String(process.pid) }
        guard let sub = processPath(path, process), let name = sub else { return nil }
        switch name {
        case "exe": return process.executable
        case "cwd": return process.fs.cwd
        case "root": return "/"
        default:
            if name.hasPrefix("fd/"), let fd = Int32(name.dropFirst(3)), let f = process.files.get(fd) {
                return f.path
            }
            return nil
        }
    }

    public func isDirectory(path: String) -> Bool {
        path == "/proc" || path.hasSuffix("/fd") && path.split(separator: "/").count == 3
            || path.split(separator: "/").count == 2 && Int(path.split(separator: "/")[1]) != nil
    }

    public func list(path: String, process: Process) -> [String]? {
        if path == "/proc" {
            return [String(process.pid), "self", "cpuinfo", "meminfo", "version", "uptime", "loadavg", "filesystems", "mounts"]
        }
        guard let sub = processPath(path, process) else { return nil }
        switch sub {
        case nil: return ["exe", "maps", "mem", "auxv", "cmdline", "environ", "comm", "stat", "status", "fd", "cwd", "root"]
        case "fd"?: return process.files.descriptors.map(String.init)
        default: return nil
        }
    }

    /// /proc/cpuinfo for one CPU of `model`, listing the features CPUID reports.
    public func cpuinfo(_ model: CPUModel) -> String {
        let names: [(UInt32, String)] = [(CPUModel.Feature.fpu, "fpu"), (CPUModel.Feature.tsc, "tsc"),
                                         (CPUModel.Feature.msr, "msr"), (CPUModel.Feature.cx8, "cx8"),
                                         (CPUModel.Feature.sep, "sep"), (CPUModel.Feature.cmov, "cmov"),
                                         (CPUModel.Feature.mmx, "mmx"), (CPUModel.Feature.fxsr, "fxsr")]
        // The kernel clears SEP on the Pentium Pro before /proc shows it.
        var features = model.features
        if !model.sysenterWorks { features &= ~CPUModel.Feature.sep }
        let flags = names.filter { features & $0.0 != 0 }.map(\.1).joined(separator: " ")
        return """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: \(model.family)
            model\t\t: \(model.model)
            model name\t: \(model.description)
            stepping\t: \(model.stepping)
            fdiv_bug\t: no
            hlt_bug\t\t: no
            f00f_bug\t: no
            coma_bug\t: no
            fpu\t\t: \(features & CPUModel.Feature.fpu != 0 ? "yes" : "no")
            fpu_exception\t: \(features & CPUModel.Feature.fpu != 0 ? "yes" : "no")
            cpuid level\t: 1
            wp\t\t: yes
            flags\t\t: \(flags)
            bogomips\t: 400.00


            """
    }
}
