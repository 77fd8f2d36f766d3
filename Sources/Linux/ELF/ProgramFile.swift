#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An executable opened for loading: its ELF headers, read from the first page of the
/// file, and the open file the loader reads each segment from straight into guest
/// memory (`ELFLoader.load(file:)`), as binfmt_elf reads the first page into a buffer
/// and maps the rest. The file is closed when the `ProgramFile` goes.
final class ProgramFile {
    let elf: ELFFile
    let fd: Int32

    /// What is read first: enough for the header, the program headers and the
    /// interpreter's path of any ordinary program.
    static let firstRead = 4096

    /// Opens `path`; nil when it cannot be opened or read or is not a regular file.
    /// Throws when it is not a loadable i386 ELF file.
    init?(path: String) throws(ELFError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              let first = ProgramFile.read(fd, count: min(Int(st.st_size), ProgramFile.firstRead)) else {
            close(fd)
            return nil
        }
        do {
            do {
                elf = try ELFFile(first, fileSize: Int(st.st_size))
            } catch .truncated where first.count < Int(st.st_size) {
                // Headers past the first page: read the whole file.
                guard let all = ProgramFile.read(fd, count: Int(st.st_size)) else {
                    close(fd)
                    return nil
                }
                elf = try ELFFile(all)
            }
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The file's first bytes, at most `limit` of them (fewer when it is shorter); nil
    /// when it cannot be read.
    static func read(_ fd: Int32, upTo limit: Int) -> [UInt8]? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return read(fd, count: min(limit, Int(st.st_size)))
    }

    /// The file's first `count` bytes; nil if it is shorter.
    static func read(_ fd: Int32, count: Int) -> [UInt8]? {
        var complete = true
        // Straight into uninitialised storage: zero-filling a program first costs as
        // much as reading it.
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { complete = false; break }
                done += n
            }
            initialized = done
        }
        return complete ? bytes : nil
    }
}
