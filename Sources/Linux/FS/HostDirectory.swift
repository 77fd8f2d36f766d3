#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CHostCalls

/// A host directory held open as the start of *at lookups (O_PATH on Linux), closed
/// when the last `FileSystemContext` holding it lets go: a forked child shares its
/// parent's until either changes directory.
public final class HostDirectory {
    /// The descriptor; always valid while the object lives.
    public let fd: Int32

    /// Opens `path`; nil if the host will not (the caller then uses whole paths).
    init?(_ path: String) {
        let fd = gate_host_open_directory(path)
        if fd < 0 { return nil }
        self.fd = fd
    }

    deinit { close(fd) }
}

