import IA32

/// The structures and named values `--strace` shows for epoll, eventfd, timers and
/// sockets, in strace's own notation: `{events=EPOLLIN|EPOLLET, data={u32=1, u64=1}}`,
/// `{sigev_value={sival_int=42, sival_ptr=0x2a}, sigev_signo=SIGUSR2, sigev_notify=SIGEV_SIGNAL}`,
/// `{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}`, `[3, 4]`.
extension StraceFormatter {
    func read(_ address: UInt32, _ count: Int, _ memory: GuestMemory) -> [UInt8]? {
        address == 0 ? nil : memory.read(address, count: count, need: PagePermission.userRead)
    }

    static func u64(_ b: [UInt8], _ offset: Int) -> UInt64 {
        UInt64(GuestLayout.u32(b, offset)) | UInt64(GuestLayout.u32(b, offset + 4)) << 32
    }

    static func epollEvent(_ b: [UInt8], _ offset: Int) -> String {
        let events = GuestLayout.u32(b, offset)
        let data = u64(b, offset + 4)
        return "{events=\(StraceFlags.names(events, StraceFlags.epollEvents, zero: "0")), "
            + "data={u32=\(UInt32(truncatingIfNeeded: data)), u64=\(data)}}"
    }

    func epollEvent(at address: UInt32, memory: GuestMemory) -> String {
        guard let b = read(address, 12, memory) else { return pointer(address) }
        return StraceFormatter.epollEvent(b, 0)
    }

    /// The events epoll_wait wrote: as many as it returned.
    func epollEvents(at address: UInt32, count: Int32, memory: GuestMemory) -> String {
        guard count >= 0, let b = read(address, Int(count) * 12, memory) ?? (count == 0 ? [] : nil) else {
            return pointer(address)
        }
        return "[" + (0..<Int(count)).map { StraceFormatter.epollEvent(b, $0 * 12) }.joined(separator: ", ") + "]"
    }

    func sigevent(at address: UInt32, memory: GuestMemory) -> String {
        guard let b = read(address, 16, memory) else { return pointer(address) }
        let value = GuestLayout.u32(b, 0), signo = GuestLayout.u32(b, 4), notify = GuestLayout.u32(b, 8)
        var parts: [String] = []
        if value != 0 { parts.append("sigev_value={sival_int=\(Int32(bitPattern: value)), sival_ptr=\(pointer(value))}") }
        parts.append("sigev_signo=" + StraceFlags.signal(signo))
        let notifications = [0: "SIGEV_SIGNAL", 1: "SIGEV_NONE", 2: "SIGEV_THREAD", 4: "SIGEV_THREAD_ID"]
        parts.append("sigev_notify=" + (notifications[Int(notify)] ?? hex(notify) + " /* SIGEV_??? */"))
        if notify == 4 { parts.append("sigev_notify_thread_id=\(Int32(bitPattern: GuestLayout.u32(b, 12)))") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    func itimerspec(at address: UInt32, wide: Bool, memory: GuestMemory) -> String {
        let size = wide ? 32 : 16
        guard let b = read(address, size, memory) else { return pointer(address) }
        func timespec(_ offset: Int) -> String {
            let sec = wide ? Int64(bitPattern: StraceFormatter.u64(b, offset)) : Int64(Int32(bitPattern: GuestLayout.u32(b, offset)))
            let nsec = wide ? Int64(bitPattern: StraceFormatter.u64(b, offset + 8)) : Int64(Int32(bitPattern: GuestLayout.u32(b, offset + 4)))
            return "{tv_sec=\(sec), tv_nsec=\(nsec)}"
        }
        return "{it_interval=\(timespec(0)), it_value=\(timespec(size / 2))}"
    }

    func ints(at address: UInt32, count: Int, result: Int32, memory: GuestMemory) -> String {
        guard result == 0, let b = read(address, count * 4, memory) else { return pointer(address) }
        return "[" + (0..<count).map { String(Int32(bitPattern: GuestLayout.u32(b, $0 * 4))) }.joined(separator: ", ") + "]"
    }
}

extension StraceFlags {
    static let epollEvents: [(UInt32, String)] = [
        (0x001, "EPOLLIN"), (0x002, "EPOLLPRI"), (0x004, "EPOLLOUT"), (0x008, "EPOLLERR"), (0x010, "EPOLLHUP"),
        (0x020, "EPOLLNVAL"), (0x040, "EPOLLRDNORM"), (0x080, "EPOLLRDBAND"), (0x100, "EPOLLWRNORM"),
        (0x200, "EPOLLWRBAND"), (0x400, "EPOLLMSG"), (0x2000, "EPOLLRDHUP"), (1 << 28, "EPOLLEXCLUSIVE"),
        (1 << 29, "EPOLLWAKEUP"), (1 << 30, "EPOLLONESHOT"), (1 << 31, "EPOLLET"),
    ]

    static func symbols(_ v: UInt32, _ table: SymbolTable) -> String {
        /// One of several values, strace's way of showing one it does not know.
        func one(_ names: [UInt32: String], _ unknown: String) -> String {
            names[v] ?? "0x" + String(v, radix: 16) + " /* \(unknown) */"
        }
        switch table {
        case .epollOperation:
            return one([1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD"], "EPOLL_CTL_???")
        case .epollCreateFlags:
            return names(v, [(0o2000000, "EPOLL_CLOEXEC")], zero: "0")
        case .eventfdFlags:
            return names(v, [(1, "EFD_SEMAPHORE"), (0o2000000, "EFD_CLOEXEC"), (0o4000, "EFD_NONBLOCK")], zero: "0")
        case .timerFlags:
            return names(v, [(1, "TIMER_ABSTIME")], zero: "0")
        case .itimerWhich:
            return one([0: "ITIMER_REAL", 1: "ITIMER_VIRTUAL", 2: "ITIMER_PROF"], "ITIMER_???")
        case .socketFamily:
            return one([0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6", 16: "AF_NETLINK"], "AF_???")
        case .socketType:
            let base = [1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM", 5: "SOCK_SEQPACKET"][v & 0xf]
                ?? "0x" + String(v & 0xf, radix: 16) + " /* SOCK_??? */"
            let rest = names(v & ~0xf, [(0o2000000, "SOCK_CLOEXEC"), (0o4000, "SOCK_NONBLOCK")], zero: "")
            return rest.isEmpty ? base : base + "|" + rest
        case .shutdownHow:
            return one([0: "SHUT_RD", 1: "SHUT_WR", 2: "SHUT_RDWR"], "SHUT_???")
        }
    }
}
