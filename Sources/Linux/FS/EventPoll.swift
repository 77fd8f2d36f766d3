#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if os(Linux)
import CHostCalls
#endif

/// An epoll instance (`struct eventpoll`, fs/eventpoll.c) over a host epoll.
///
/// Gate's pipes, sockets, terminals and eventfds are host descriptors, so the host's
/// epoll sees every wakeup on them — including the ones another guest task causes,
/// since its writes are real host writes — and gives level- and edge-triggered,
/// EPOLLONESHOT, EPOLLRDHUP and nested-epoll behaviour exactly. The guest's 64-bit
/// `data` travels in the host event unchanged.
///
/// What the host cannot know is the guest's descriptor numbers. Linux keys an
/// interest-list item by (file, fd): two descriptors dup'ed from one file are two
/// items, and an item belongs to the file, not the number — it stays after its fd is
/// closed while a dup keeps the file open, and goes when the file's last reference
/// does. Gate keeps that key here; a second guest fd on a file already in the set is
/// registered through a host dup of the descriptor, and items whose file has closed
/// are dropped (and their dups closed) before each use.
final class EventPoll {
    struct Item {
        /// The guest descriptor number it was added with.
        let fd: Int32
        /// The open file description; the item dies with it.
        weak var file: OpenFile?
        /// The host descriptor registered: the file's own, or a dup owned by the item.
        let hostFD: Int32
        let ownsHostFD: Bool
    }

    /// The host epoll descriptor (owned by the `OpenFile` that holds this instance).
    let hostFD: Int32
    private(set) var items: [Item] = []

    init(hostFD: Int32) {
        self.hostFD = hostFD
    }

    deinit {
        for item in items where item.ownsHostFD { close(item.hostFD) }
    }

    /// epoll_ctl operations (EPOLL_CTL_ADD, _DEL, _MOD).
    enum Operation: UInt32 {
        case add = 1, delete = 2, modify = 3
    }

    /// Whether `file` can be watched (file_can_poll): not a regular file, directory or
    /// block device, nor a /proc snapshot. Other kinds the host decides.
    static func canPoll(_ file: OpenFile) -> Bool {
        guard file.isHost else { return false }
        var st = stat()
        guard fstat(file.hostFD, &st) == 0 else { return true }
        let type = st.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR && type != S_IFBLK
    }

    /// Whether the host epoll `fd` has an event ready, without taking it.
    static func isReady(_ fd: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return HostCall.poll(&p, 1, 0) > 0
    }

    /// Forgets items whose file has closed (ep_remove from eventpoll_release).
    func prune() {
        items.removeAll { item in
            guard item.file == nil else { return false }
            if item.ownsHostFD { close(item.hostFD) }
            return true
        }
    }

    private func index(of fd: Int32, _ file: OpenFile) -> Int? {
        items.firstIndex { $0.fd == fd && $0.file === file }
    }

    /// EPOLL_CTL_ADD / _MOD / _DEL of guest descriptor `fd`, open on `file`.
    func control(_ op: Operation, fd: Int32, file: OpenFile, events: UInt32, data: UInt64) throws(Errno) {
        #if os(Linux)
        prune()
        let existing = index(of: fd, file)
        switch op {
        case .add:
            if existing != nil { throw .EEXIST }
            // Files with no poll method: regular files, directories, /proc snapshots.
            guard file.isHost else { throw .EPERM }
            var host = file.hostFD
            let shared = items.contains { $0.hostFD == host }
            if shared {
                host = fcntl(file.hostFD, F_DUPFD_CLOEXEC, 0)
                if host < 0 { throw Errno.current }
            }
            if gate_host_epoll_ctl(hostFD, Int32(op.rawValue), host, events, data) != 0 {
                let e = Errno.current
                if shared { close(host) }
                throw e
            }
            items.append(Item(fd: fd, file: file, hostFD: host, ownsHostFD: shared))
        case .modify:
            guard let i = existing else { throw .ENOENT }
            if gate_host_epoll_ctl(hostFD, Int32(op.rawValue), items[i].hostFD, events, data) != 0 { throw Errno.current }
        case .delete:
            guard let i = existing else { throw .ENOENT }
            let item = items.remove(at: i)
            _ = gate_host_epoll_ctl(hostFD, Int32(op.rawValue), item.hostFD, 0, 0)
            if item.ownsHostFD { close(item.hostFD) }
        }
        #else
        throw .ENOSYS
        #endif
    }

    /// The ready events, at most `max` of them: (events, data) pairs. `timeoutMS` is the
    /// host wait (0 under the scheduler, where the task, not the host, waits).
    func collect(max: Int, timeoutMS: Int32 = 0) throws(Errno) -> [(UInt32, UInt64)] {
        #if os(Linux)
        prune()
        // Each item reports at most once per call: no need for more room than items.
        let room = Swift.max(1, Swift.min(max, items.count))
        var events = [UInt32](repeating: 0, count: room)
        var data = [UInt64](repeating: 0, count: room)
        let n = gate_host_epoll_wait(hostFD, &events, &data, Int32(room), timeoutMS)
        if n < 0 { throw Errno.current }
        return (0..<Int(n)).map { (events[$0], data[$0]) }
        #else
        throw .ENOSYS
        #endif
    }
}
