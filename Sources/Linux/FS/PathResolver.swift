#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A guest path after resolution (namei).
public struct ResolvedPath {
    /// The canonical guest path: absolute, without symlinks, "." or "..".
    public var guestPath: String { leaf.map { PathResolver.child(guestBase, $0) } ?? guestBase }
    /// The host path it names; empty for a /proc entry served by the provider.
    public var hostPath: String { leaf.map { PathResolver.child(hostBase, $0) } ?? hostBase }
    /// The paths, or for a plain name resolved in the current directory that
    /// directory's, with the name in `leaf`: they are joined only when asked for
    /// (stat never asks, and joining was a third of a stat's Swift side).
    private let guestBase: String, hostBase: String, leaf: String?
    /// Served by the /proc provider.
    public var isProc: Bool
    /// Whether the final component exists (every earlier one does: it is a directory).
    public var exists: Bool
    /// The path ended in "/": the final component must be a directory.
    public var trailingSlash: Bool
    /// The /proc entry's kind, for an existing provider path.
    var procKind: ProcStat.Kind?
    /// `hostPath` is a host magic link reopening one of the process's descriptors
    /// (/proc/self/fd/N): the one host path that must be followed.
    public var reopensDescriptor: Bool = false
    /// The host's lstat of an existing final component, taken while resolving: stat
    /// and lstat answer from it instead of asking the host a second time.
    var hostStat: HostFS.HostStat? = nil

    init(guestPath: String, hostPath: String, leaf: String? = nil, isProc: Bool, exists: Bool,
         trailingSlash: Bool, procKind: ProcStat.Kind?, reopensDescriptor: Bool = false,
         hostStat: HostFS.HostStat? = nil) {
        guestBase = guestPath; hostBase = hostPath; self.leaf = leaf
        self.isProc = isProc; self.exists = exists; self.trailingSlash = trailingSlash
        self.procKind = procKind; self.reopensDescriptor = reopensDescriptor; self.hostStat = hostStat
    }
}

/// Guest path resolution inside `process.fs.root`, component by component, so that
/// neither ".." nor symbolic links (absolute targets are re-rooted) can leave the root.
public enum PathResolver {
    public static let maxSymlinks = 40
    /// PATH_MAX, including the NUL.
    public static let pathMax = 4096
    /// NAME_MAX.
    public static let nameMax = 255

    /// The path's components. Split on its UTF-8 bytes: '/' never occurs inside a
    /// multi-byte sequence, and Character-by-Character splitting cost several thousand
    /// instructions per stat(2) in profiles.
    static func components(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map {
            String(Substring($0))
        }
    }

    /// The raw last component of a path (as named, trailing slashes ignored).
    static func lastComponent(_ path: String) -> String {
        components(path).last ?? "/"
    }

    static func join(_ comps: [String]) -> String {
        "/" + joined(comps)
    }

    /// Components joined by "/". Written out rather than `joined(separator:)`, and for
    /// concrete element types, because the generic paths resolve associated types at
    /// run time: a conformance scan of the whole binary, in every run, since the first
    /// path is the current directory's.
    static func joined(_ comps: [String]) -> String {
        var r = ""
        for (k, c) in comps.enumerated() {
            if k > 0 { r.append("/") }
            r.append(c)
        }
        return r
    }

    static func joined(_ comps: some Collection<Substring>) -> String {
        var r = ""
        var first = true
        for c in comps {
            if !first { r.append("/") }
            r.append(contentsOf: c)
            first = false
        }
        return r
    }

    /// The host path for canonical guest components under `root`.
    static func hostPath(root: String, _ comps: [String]) -> String {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        if comps.isEmpty { return r.isEmpty ? "/" : r }
        let prefix = r == "/" ? "" : r
        return prefix + "/" + joined(comps)
    }

    /// The /proc provider in effect for `process`.
    static func procProvider(_ process: Process) -> ProcFileProvider? {
        process.fs.procFS ?? FileSyscalls.procFS
    }

    /// The directory a relative path starts from: the cwd, or `dirfd`'s directory.
    static func base(_ dirfd: Int32, process: Process) throws(Errno) -> [String] {
        if dirfd == LinuxAT.fdcwd { return process.fs.cwdComponents }
        guard let f = process.files.get(dirfd) else { throw .EBADF }
        guard f.isDirectory else { throw .ENOTDIR }
        return components(f.path)
    }

    /// Resolves `path` (relative to `dirfd`, or the cwd for AT_FDCWD). With
    /// `followFinal` false a final symbolic link is not followed (lstat, O_NOFOLLOW,
    /// AT_SYMLINK_NOFOLLOW). A missing final component is not an error: `exists` is false.
    public static func resolve(_ path: String, at dirfd: Int32 = LinuxAT.fdcwd, process: Process,
                               followFinal: Bool = true) throws(Errno) -> ResolvedPath {
        if path.isEmpty { throw .ENOENT }
        if path.utf8.count >= pathMax { throw .ENAMETOOLONG }
        if dirfd == LinuxAT.fdcwd, let r = try plainNameInCwd(path, process: process, followFinal: followFinal) {
            return r
        }
        let provider = procProvider(process)
        let root = process.fs.root
        var stack: [String] = path.hasPrefix("/") ? [] : try base(dirfd, process: process)
        var pending: [String] = components(path).reversed()
        let trailingSlash = path.hasSuffix("/") && !pending.isEmpty
        var hops = 0
        var exists = true
        var procKind: ProcStat.Kind? = nil
        var finalMode: UInt32 = 0o040000
        // A descriptor reopened through /proc/self/fd/N: the host path to use.
        var reopened: (host: String, guest: String)? = nil

        if let provider, stack.first == "proc" {
            procKind = ProcStat.kind(of: join(stack), provider: provider, process: process)
        }

        // The host's lstat of join(stack), while nothing has changed the stack since.
        var finalStat: HostFS.HostStat? = nil

        while let comp = pending.popLast() {
            if comp == "." { continue }
            finalStat = nil
            if comp == ".." {
                if !stack.isEmpty { stack.removeLast() }
                procKind = provider != nil && stack.first == "proc" ? .directory : nil
                finalMode = 0o040000
                continue
            }
            if comp.utf8.count > nameMax { throw .ENAMETOOLONG }
            let isFinal = pending.isEmpty
            let follow = !isFinal || followFinal || trailingSlash
            let candidate = stack + [comp]

            if let provider, candidate[0] == "proc" {
                let gpath = join(candidate)
                // /proc/self/fd/N and /proc/<pid>/fd/N reopen the descriptor itself.
                if follow, candidate.count == 4, candidate[2] == "fd",
                   candidate[1] == "self" || candidate[1] == String(process.pid),
                   let n = Int32(candidate[3]), let file = process.files.get(n) {
                    hops += 1
                    if hops > maxSymlinks { throw .ELOOP }
                    if file.isDirectory {
                        stack = components(file.path)
                        procKind = stack.first == "proc" ? .directory : nil
                        continue
                    }
                    if !isFinal { throw .ENOTDIR }
                    if file.hostFD >= 0 {
                        reopened = (HostFS.reopenPath(file.hostFD), file.path)
                        stack = candidate
                        break
                    }
                    // A synthetic file: reopen by its path.
                    pending.append(contentsOf: components(file.path).reversed())
                    stack = []
                    continue
                }
                guard let kind = ProcStat.kind(of: gpath, provider: provider, process: process) else {
                    if isFinal {
                        stack = candidate
                        exists = false
                        procKind = nil
                        break
                    }
                    throw .ENOENT
                }
                if case .link(let target) = kind, follow {
                    hops += 1
                    if hops > maxSymlinks { throw .ELOOP }
                    if target.isEmpty { throw .ENOENT }
                    if target.hasPrefix("/") { stack = [] }
                    pending.append(contentsOf: components(target).reversed())
                    continue
                }
                if !isFinal, case .directory = kind {} else if !isFinal { throw .ENOTDIR }
                stack = candidate
                procKind = kind
                if case .directory = kind { finalMode = 0o040000 } else { finalMode = 0o100000 }
                continue
            }

            let host = hostPath(root: root, candidate)
            var st = HostFS.HostStat()
            if lstat(host, &st) != 0 {
                let e = Errno.current
                if e == .ENOENT && isFinal {
                    stack = candidate
                    exists = false
                    break
                }
                throw e
            }
            let mode = UInt32(st.st_mode) & 0o170000
            if mode == 0o120000 && follow {
                hops += 1
                if hops > maxSymlinks { throw .ELOOP }
                let target = String(decoding: try HostFS.readlink(host), as: UTF8.self)
                if target.isEmpty { throw .ENOENT }
                if target.hasPrefix("/") { stack = [] }
                pending.append(contentsOf: components(target).reversed())
                continue
            }
            if !isFinal && mode != 0o040000 { throw .ENOTDIR }
            stack = candidate
            finalMode = mode
            finalStat = st
        }

        if let reopened {
            return ResolvedPath(guestPath: reopened.guest, hostPath: reopened.host, isProc: false,
                                exists: true, trailingSlash: trailingSlash, procKind: nil, reopensDescriptor: true)
        }
        let isProc = provider != nil && stack.first == "proc"
        if exists && trailingSlash {
            if isProc {
                if case .directory = procKind {} else { throw .ENOTDIR }
            } else if finalMode != 0o040000 {
                throw .ENOTDIR
            }
        }
        return ResolvedPath(guestPath: join(stack), hostPath: isProc ? "" : hostPath(root: root, stack),
                            isProc: isProc, exists: exists, trailingSlash: trailingSlash,
                            procKind: isProc ? procKind : nil, hostStat: exists && !isProc ? finalStat : nil)
    }

    /// The commonest resolution, without the general walk: one plain name (no '/',
    /// not "." or "..") in a current directory outside /proc. The directory itself was
    /// resolved by chdir; only the name is looked at, and a symbolic link (or anything
    /// unusual) goes the general way. Nil: take the general walk.
    ///
    /// The name is looked up in the directory chdir opened (`cwdDirectory`), so the host
    /// does not walk the current directory's whole path again: a third of a stat's host
    /// time in a directory five levels deep. Like Linux's, that lookup follows the
    /// directory itself if it is renamed; the calls that go on to use `hostPath` name
    /// it by path.
    static func plainNameInCwd(_ path: String, process: Process, followFinal: Bool) throws(Errno) -> ResolvedPath? {
        guard !process.fs.cwdIsUnderProc || procProvider(process) == nil else { return nil }
        var name = path, cwdHost = process.fs.cwdHost
        guard name.withUTF8({ isPlainName(UnsafeRawBufferPointer($0)) }) else { return nil }
        var st = HostFS.HostStat()
        let r: Int32
        let dir = process.fs.cwdFD
        if dir >= 0 {
            r = name.withCString { fstatat(dir, $0, &st, AT_SYMLINK_NOFOLLOW) }
        } else {
            // lstat of cwdHost + "/" + name, the C string put together on the stack.
            r = name.withUTF8 { n in
                cwdHost.withUTF8 { d in
                    withUnsafeTemporaryAllocation(of: CChar.self, capacity: d.count + n.count + 2) { buf in
                        let raw = UnsafeMutableRawPointer(buf.baseAddress!)
                        var at = 0
                        if d.count > 1 { raw.copyMemory(from: d.baseAddress!, byteCount: d.count); at = d.count }
                        raw.storeBytes(of: 0x2f, toByteOffset: at, as: UInt8.self)
                        (raw + at + 1).copyMemory(from: n.baseAddress!, byteCount: n.count)
                        raw.storeBytes(of: 0, toByteOffset: at + 1 + n.count, as: UInt8.self)
                        return lstat(buf.baseAddress!, &st)
                    }
                }
            }
        }
        var exists = true
        if r != 0 {
            let e = Errno.current
            guard e == .ENOENT else { throw e }
            exists = false
        } else if UInt32(st.st_mode) & 0o170000 == 0o120000 && followFinal {
            return nil
        }
        return ResolvedPath(guestPath: process.fs.cwdCanonical, hostPath: cwdHost, leaf: path, isProc: false,
                            exists: exists, trailingSlash: false, procKind: nil, hostStat: exists ? st : nil)
    }

    /// One name to look up in a directory as it is: not empty, no "/", not "." or "..",
    /// at most NAME_MAX bytes.
    static func isPlainName(_ n: UnsafeRawBufferPointer) -> Bool {
        guard let p = n.baseAddress, n.count <= nameMax, memchr(p, 0x2f /* "/" */, n.count) == nil else { return false }
        return !(n.count <= 2 && n.allSatisfy { $0 == 0x2e /* "." */ })
    }

    /// What `statPlainName` found.
    enum PlainNameStat {
        /// The host's lstat of the name is in the caller's buffer.
        case found
        /// The lookup failed with this error (ENOENT for a missing name).
        case failed(Errno)
        /// Not a plain name in a current directory Gate holds, or a symbolic link to
        /// follow: the general walk must answer.
        case general
    }

    /// stat(2)'s commonest call without building a `String` or a `ResolvedPath`: the
    /// guest's NUL-terminated path at `address`, when it is one plain name, looked up in
    /// the current directory's descriptor (`cwdDirectory`), as `plainNameInCwd` would.
    /// A third of a stat's host instructions went on the path and its copies.
    /// The stat lands in `st`, which the caller owns: a `struct stat` is 144 bytes, and
    /// handing it back by value copied it several times.
    static func statPlainName(at address: UInt32, process: Process, followFinal: Bool,
                              into st: inout HostFS.HostStat) -> PlainNameStat {
        let found = withPlainName(at: address, process: process) { dir, name -> PlainNameStat in
            if fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0 { return .failed(Errno.current) }
            if followFinal && UInt32(st.st_mode) & 0o170000 == 0o120000 { return .general }
            return .found
        }
        return found ?? .general
    }

    /// Calls `body` with the current directory's descriptor and the guest's path at
    /// `address` as a C string, when that path is one plain name and the directory is
    /// one Gate holds outside /proc; nil otherwise (the general walk must answer). The
    /// name is copied out of guest memory first, so what is checked is what the host sees.
    static func withPlainName<R>(at address: UInt32, process: Process,
                                 _ body: (Int32, UnsafePointer<CChar>) -> R) -> R? {
        let dir = process.fs.cwdFD
        guard dir >= 0, !process.fs.cwdIsUnderProc || procProvider(process) == nil else { return nil }
        return withUnsafeTemporaryAllocation(byteCount: nameMax + 1, alignment: 1) { buf -> R? in
            let copied = process.unretainedMemory._withUnsafeGuaranteedRef { $0.copyCString(address, into: buf) }
            guard let n = copied, let p = buf.baseAddress,
                  isPlainName(UnsafeRawBufferPointer(rebasing: buf.prefix(n))) else { return nil }
            return body(dir, p.assumingMemoryBound(to: CChar.self))
        }
    }

    /// `name` in directory `dir` (both absolute, canonical).
    static func child(_ dir: String, _ name: String) -> String {
        dir == "/" ? "/" + name : dir + "/" + name
    }

    /// The host path of an existing guest file, symlinks followed (execve, the
    /// dynamic loader): ENOENT if it is missing, EACCES for a /proc entry.
    public static func hostPath(of path: String, process: Process) throws(Errno) -> String {
        let r = try resolve(path, process: process, followFinal: true)
        if !r.exists { throw .ENOENT }
        if r.isProc { throw .EACCES }
        return r.hostPath
    }
}
