/// Serves /proc when installed (`FileSyscalls.procFS`, or per process
/// `process.fs.procFS`). Paths are canonical guest paths under /proc, as in
/// "/proc/1/maps"; a symlink the provider reports (readlink non-nil), such as
/// /proc/self → "1", is followed by path resolution before the provider sees the rest.
///
/// - `open`: the file's content, snapshotted at open(2); nil if no such file.
/// - `readlink`: the link's target for symbolic links (/proc/self, /proc/self/exe,
///   /proc/self/fd/N); nil for anything that is not a link.
/// - `isDirectory`: true for directories (/proc itself is always one).
/// - `list`: a directory's entry names (without "." and ".."); nil if no such directory.
public protocol ProcFileProvider: AnyObject {
    func open(path: String, process: Process) -> [UInt8]?
    func readlink(path: String, process: Process) -> String?
    func isDirectory(path: String) -> Bool
    func list(path: String, process: Process) -> [String]?
}

/// How /proc entries look to stat: procfs's device and stable inode numbers.
enum ProcStat {
    /// procfs's anonymous device, 0:22 as on a typical Linux system.
    static let devMajor: UInt32 = 0
    static let devMinor: UInt32 = 22

    static func inode(_ path: String) -> UInt64 {
        // FNV-1a: stable across runs, never 0 or 1.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in path.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return (h & 0x7fff_ffff) | 0x1000
    }

    enum Kind { case file, directory, link(String) }

    /// /proc/PID/mem of the calling process: served live from guest memory.
    static func isMemory(_ path: String, _ process: Process) -> Bool {
        path == "/proc/\(process.pid)/mem" || path == "/proc/self/mem"
    }

    static func kind(of path: String, provider: ProcFileProvider, process: Process) -> Kind? {
        if path == "/proc" { return .directory }
        if isMemory(path, process) { return .file }
        if let target = provider.readlink(path: path, process: process) { return .link(target) }
        if provider.isDirectory(path: path) { return .directory }
        if provider.open(path: path, process: process) != nil { return .file }
        return nil
    }

    static func stat(path: String, kind: Kind, process: Process) -> KStat {
        var s = KStat()
        s.devMajor = devMajor
        s.devMinor = devMinor
        s.ino = path == "/proc" ? 1 : inode(path)
        switch kind {
        case .file: s.mode = isMemory(path, process) ? 0o100600 : 0o100444; s.nlink = 1
        case .directory: s.mode = 0o040555; s.nlink = 2
        case .link(let t): s.mode = 0o120777; s.nlink = 1; s.size = Int64(t.utf8.count)
        }
        s.uid = process.uid
        s.gid = process.gid
        s.blksize = 1024
        let now = FSClock.now()
        s.atime = now; s.mtime = now; s.ctime = now; s.btime = now
        return s
    }
}
