#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ioctl: terminal control on host terminals (the i386 `struct termios` and
/// `struct winsize`), and the generic descriptor requests.
extension FileSyscalls {
    /// i386 ioctl request numbers (include/uapi/asm-generic/ioctls.h).
    public enum Ioctl {
        public static let TCGETS: UInt32 = 0x5401
        public static let TCSETS: UInt32 = 0x5402
        public static let TCSETSW: UInt32 = 0x5403
        public static let TCSETSF: UInt32 = 0x5404
        public static let TCSBRK: UInt32 = 0x5409
        public static let TCXONC: UInt32 = 0x540A
        public static let TCFLSH: UInt32 = 0x540B
        public static let TIOCSCTTY: UInt32 = 0x540E
        public static let TIOCGPGRP: UInt32 = 0x540F
        public static let TIOCSPGRP: UInt32 = 0x5410
        public static let TIOCGWINSZ: UInt32 = 0x5413
        public static let TIOCSWINSZ: UInt32 = 0x5414
        public static let FIONREAD: UInt32 = 0x541B
        public static let TIOCNOTTY: UInt32 = 0x5422
        public static let FIONBIO: UInt32 = 0x5421
        public static let TIOCGSID: UInt32 = 0x5429
        public static let FIONCLEX: UInt32 = 0x5450
        public static let FIOCLEX: UInt32 = 0x5451
        public static let FIOASYNC: UInt32 = 0x5452
    }

    /// sizeof(struct termios) on i386: four tcflag_t, c_line, c_cc[19].
    static let termiosSize = 36

    static func sysIoctl(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let fd = ctx.int(0)
        let f = try ctx.file(0)
        let request = ctx.arg(1)
        let arg = ctx.arg(2)
        switch request {
        case Ioctl.FIOCLEX:
            ctx.process.files.setCloseOnExec(fd, true)
            return 0
        case Ioctl.FIONCLEX:
            ctx.process.files.setCloseOnExec(fd, false)
            return 0
        case Ioctl.FIONBIO:
            guard let on = ctx.u32(at: arg) else { throw .EFAULT }
            let flags = on != 0 ? f.flags | LinuxOpenFlag.nonBlock : f.flags & ~LinuxOpenFlag.nonBlock
            if f.isHost && !HostFS.setStatusFlags(f.hostFD, nonBlock: f.hostNonBlocking || on != 0, append: flags & LinuxOpenFlag.append != 0) {
                throw Errno.current
            }
            f.flags = flags
            return 0
        case Ioctl.FIOASYNC:
            guard let on = ctx.u32(at: arg) else { throw .EFAULT }
            f.flags = on != 0 ? f.flags | LinuxOpenFlag.async : f.flags & ~LinuxOpenFlag.async
            return 0
        case Ioctl.FIONREAD:
            let n: Int32
            switch f.backing {
            case .synthetic(let bytes): n = Int32(max(0, Int64(bytes.count) - f.position))
            case .processMemory: n = 0
            case .syntheticDirectory: throw .ENOTTY
            case .host:
                if f.isDirectory { throw .ENOTTY }
                if f.keepsPosition {
                    // What the host would say of its own offset: the bytes past ours.
                    var st = HostFS.HostStat()
                    if HostCall.fstat(f.hostFD, &st) != 0 { throw Errno.current }
                    n = Int32(clamping: max(0, Int64(st.st_size) - f.position))
                } else {
                    n = try HostTerminal.bytesReadable(f.hostFD)
                }
            }
            guard ctx.setU32(UInt32(bitPattern: n), at: arg) else { throw .EFAULT }
            return 0
        default:
            break
        }

        // Terminal requests: only host terminals answer them. The ones that change the
        // terminal are a background process's to make only after job control's check.
        guard f.isHost, let tty = f.terminalID else { throw .ENOTTY }
        let kernel = ctx.kernel
        switch request {
        case Ioctl.TCSETS, Ioctl.TCSETSW, Ioctl.TCSETSF, Ioctl.TCSBRK, Ioctl.TCXONC, Ioctl.TCFLSH:
            try kernel?.checkTerminalChange(tty, by: ctx.process)
        default:
            break
        }
        switch request {
        case Ioctl.TCGETS:
            let t = try HostTerminal.get(f.hostFD)
            guard ctx.write(t, to: arg) else { throw .EFAULT }
            return 0
        case Ioctl.TCSETS, Ioctl.TCSETSW, Ioctl.TCSETSF:
            guard let t = ctx.bytes(at: arg, count: termiosSize) else { throw .EFAULT }
            try HostTerminal.set(f.hostFD, t, request: request)
            return 0
        case Ioctl.TIOCGWINSZ:
            let w = try HostTerminal.windowSize(f.hostFD)
            guard ctx.write(w, to: arg) else { throw .EFAULT }
            return 0
        case Ioctl.TIOCSWINSZ:
            guard let w = ctx.bytes(at: arg, count: 8) else { throw .EFAULT }
            try HostTerminal.setWindowSize(f.hostFD, w)
            return 0
        case Ioctl.TIOCGPGRP:
            // Only on the caller's controlling terminal (Tasks/ControllingTerminal.swift).
            guard let pgrp = kernel?.foregroundGroup(ofTerminal: tty, for: ctx.process) else { throw .ENOTTY }
            guard ctx.setU32(UInt32(bitPattern: pgrp), at: arg) else { throw .EFAULT }
            return 0
        case Ioctl.TIOCGSID:
            guard kernel?.foregroundGroup(ofTerminal: tty, for: ctx.process) != nil else { throw .ENOTTY }
            guard ctx.setU32(UInt32(bitPattern: ctx.process.sid), at: arg) else { throw .EFAULT }
            return 0
        case Ioctl.TIOCSPGRP:
            guard let kernel else { throw .ENOTTY }
            guard let pgrp = ctx.i32(at: arg) else { throw .EFAULT }
            try kernel.setForegroundGroup(ofTerminal: tty, to: pgrp, by: ctx.process)
            return 0
        case Ioctl.TIOCSCTTY:
            guard let kernel, kernel.acquireTerminal(tty, for: ctx.process) else { throw .EPERM }
            return 0
        case Ioctl.TIOCNOTTY:
            // Per process on Linux; Gate keeps controlling terminals per session.
            return 0
        case Ioctl.TCSBRK:
            if arg != 0 { _ = tcdrain(f.hostFD) }
            return 0
        case Ioctl.TCXONC:
            guard arg <= 3 else { throw .EINVAL }
            // TCOOFF 0, TCOON 1, TCIOFF 2, TCION 3
            let actions = [TCOOFF, TCOON, TCIOFF, TCION]
            if tcflow(f.hostFD, Int32(actions[Int(arg)])) != 0 { throw Errno.current }
            return 0
        case Ioctl.TCFLSH:
            guard arg <= 2 else { throw .EINVAL }
            let queues = [TCIFLUSH, TCOFLUSH, TCIOFLUSH]
            if tcflush(f.hostFD, Int32(queues[Int(arg)])) != 0 { throw Errno.current }
            return 0
        default:
            throw .ENOTTY
        }
    }
}

/// Host terminal access in Linux i386 terms.
enum HostTerminal {
    #if os(Linux)
    // A Linux host's kernel uses the i386 request numbers and structure layouts.
    static func get(_ fd: Int32) throws(Errno) -> [UInt8] {
        var t = [UInt8](repeating: 0, count: FileSyscalls.termiosSize)
        let r = t.withUnsafeMutableBytes { ioctl(fd, UInt(FileSyscalls.Ioctl.TCGETS), $0.baseAddress!) }
        if r != 0 { throw Errno.current }
        return t
    }

    static func set(_ fd: Int32, _ bytes: [UInt8], request: UInt32) throws(Errno) {
        var t = bytes
        let r = t.withUnsafeMutableBytes { ioctl(fd, UInt(request), $0.baseAddress!) }
        if r != 0 { throw Errno.current }
    }
    #else
    // Darwin: tcgetattr/tcsetattr with the flags, control characters and speeds translated.
    static let iflags: [(UInt32, tcflag_t)] = [
        (0o1, tcflag_t(IGNBRK)), (0o2, tcflag_t(BRKINT)), (0o4, tcflag_t(IGNPAR)), (0o10, tcflag_t(PARMRK)),
        (0o20, tcflag_t(INPCK)), (0o40, tcflag_t(ISTRIP)), (0o100, tcflag_t(INLCR)), (0o200, tcflag_t(IGNCR)),
        (0o400, tcflag_t(ICRNL)), (0o2000, tcflag_t(IXON)), (0o4000, tcflag_t(IXANY)), (0o10000, tcflag_t(IXOFF)),
        (0o20000, tcflag_t(IMAXBEL)), (0o40000, tcflag_t(IUTF8)),
    ]
    static let oflags: [(UInt32, tcflag_t)] = [
        (0o1, tcflag_t(OPOST)), (0o4, tcflag_t(ONLCR)), (0o10, tcflag_t(OCRNL)), (0o20, tcflag_t(ONOCR)),
        (0o40, tcflag_t(ONLRET)), (0o100, tcflag_t(OFILL)), (0o200, tcflag_t(OFDEL)),
    ]
    static let cflags: [(UInt32, tcflag_t)] = [
        (0o100, tcflag_t(CSTOPB)), (0o200, tcflag_t(CREAD)), (0o400, tcflag_t(PARENB)), (0o1000, tcflag_t(PARODD)),
        (0o2000, tcflag_t(HUPCL)), (0o4000, tcflag_t(CLOCAL)), (0o20000000000, tcflag_t(CRTSCTS)),
    ]
    static let sizes: [(UInt32, tcflag_t)] = [
        (0o0, tcflag_t(CS5)), (0o20, tcflag_t(CS6)), (0o40, tcflag_t(CS7)), (0o60, tcflag_t(CS8)),
    ]
    static let lflags: [(UInt32, tcflag_t)] = [
        (0o1, tcflag_t(ISIG)), (0o2, tcflag_t(ICANON)), (0o10, tcflag_t(ECHO)), (0o20, tcflag_t(ECHOE)),
        (0o40, tcflag_t(ECHOK)), (0o100, tcflag_t(ECHONL)), (0o200, tcflag_t(NOFLSH)), (0o400, tcflag_t(TOSTOP)),
        (0o1000, tcflag_t(ECHOCTL)), (0o2000, tcflag_t(ECHOPRT)), (0o4000, tcflag_t(ECHOKE)),
        (0o10000, tcflag_t(FLUSHO)), (0o40000, tcflag_t(PENDIN)), (0o100000, tcflag_t(IEXTEN)),
    ]
    /// Linux c_cc index → host index.
    static let controlChars: [(Int, Int32)] = [
        (0, VINTR), (1, VQUIT), (2, VERASE), (3, VKILL), (4, VEOF), (5, VTIME), (6, VMIN), (8, VSTART),
        (9, VSTOP), (10, VSUSP), (11, VEOL), (12, VREPRINT), (13, VDISCARD), (14, VWERASE), (15, VLNEXT), (16, VEOL2),
    ]
    /// Linux CBAUD codes → host speeds.
    static let speeds: [(UInt32, speed_t)] = [
        (0, speed_t(B0)), (1, speed_t(B50)), (2, speed_t(B75)), (3, speed_t(B110)), (4, speed_t(B134)),
        (5, speed_t(B150)), (6, speed_t(B200)), (7, speed_t(B300)), (8, speed_t(B600)), (9, speed_t(B1200)),
        (0o12, speed_t(B1800)), (0o13, speed_t(B2400)), (0o14, speed_t(B4800)), (0o15, speed_t(B9600)),
        (0o16, speed_t(B19200)), (0o17, speed_t(B38400)), (0o10001, speed_t(B57600)), (0o10002, speed_t(B115200)),
        (0o10003, speed_t(B230400)),
    ]

    static func toLinux(_ h: tcflag_t, _ table: [(UInt32, tcflag_t)]) -> UInt32 {
        table.reduce(0) { h & $1.1 != 0 ? $0 | $1.0 : $0 }
    }
    static func toHost(_ l: UInt32, _ table: [(UInt32, tcflag_t)]) -> tcflag_t {
        table.reduce(0) { l & $1.0 != 0 ? $0 | $1.1 : $0 }
    }

    static func get(_ fd: Int32) throws(Errno) -> [UInt8] {
        var t = termios()
        if tcgetattr(fd, &t) != 0 { throw Errno.current }
        var b = GuestLayout.Builder(size: FileSyscalls.termiosSize)
        b.u32(0, toLinux(t.c_iflag, iflags))
        b.u32(4, toLinux(t.c_oflag, oflags))
        let size = sizes.first { t.c_cflag & tcflag_t(CSIZE) == $0.1 }?.0 ?? 0o60
        let speed = speeds.first { cfgetospeed(&t) == $0.1 }?.0 ?? 0o15
        b.u32(8, toLinux(t.c_cflag, cflags) | size | speed)
        b.u32(12, toLinux(t.c_lflag, lflags))
        withUnsafeBytes(of: &t.c_cc) { cc in
            for (l, h) in controlChars {
                let v = cc[Int(h)]
                b.u8(17 + l, v == 0xff ? 0 : v)   // _POSIX_VDISABLE: 0xff on Darwin, 0 on Linux
            }
        }
        return b.bytes
    }

    static func set(_ fd: Int32, _ bytes: [UInt8], request: UInt32) throws(Errno) {
        var t = termios()
        if tcgetattr(fd, &t) != 0 { throw Errno.current }
        let cflag = FSBytes.u32(bytes, 8)
        t.c_iflag = toHost(FSBytes.u32(bytes, 0), iflags)
        t.c_oflag = toHost(FSBytes.u32(bytes, 4), oflags)
        t.c_cflag = toHost(cflag, cflags) | (sizes.first { cflag & 0o60 == $0.0 }?.1 ?? tcflag_t(CS8))
        t.c_lflag = toHost(FSBytes.u32(bytes, 12), lflags)
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            for (l, h) in controlChars {
                let v = bytes[17 + l]
                cc[Int(h)] = (v == 0 && l != 5 && l != 6) ? 0xff : v
            }
        }
        if let speed = speeds.first(where: { cflag & 0o10017 == $0.0 })?.1 {
            cfsetispeed(&t, speed)
            cfsetospeed(&t, speed)
        }
        let action: Int32
        switch request {
        case FileSyscalls.Ioctl.TCSETSW: action = TCSADRAIN
        case FileSyscalls.Ioctl.TCSETSF: action = TCSAFLUSH
        default: action = TCSANOW
        }
        if tcsetattr(fd, action, &t) != 0 { throw Errno.current }
    }
    #endif

    static func windowSize(_ fd: Int32) throws(Errno) -> [UInt8] {
        var w = winsize()
        if ioctl(fd, UInt(hostTIOCGWINSZ), &w) != 0 { throw Errno.current }
        return GuestLayout.le16(w.ws_row) + GuestLayout.le16(w.ws_col)
            + GuestLayout.le16(w.ws_xpixel) + GuestLayout.le16(w.ws_ypixel)
    }

    static func setWindowSize(_ fd: Int32, _ b: [UInt8]) throws(Errno) {
        var w = winsize(ws_row: FSBytes.u16(b, 0), ws_col: FSBytes.u16(b, 2),
                        ws_xpixel: FSBytes.u16(b, 4), ws_ypixel: FSBytes.u16(b, 6))
        if ioctl(fd, UInt(hostTIOCSWINSZ), &w) != 0 { throw Errno.current }
    }

    /// Whether the terminal has TOSTOP set: background writes stop the writer.
    static func stopsBackgroundWrites(_ fd: Int32) -> Bool {
        var t = termios()
        return tcgetattr(fd, &t) == 0 && t.c_lflag & tcflag_t(TOSTOP) != 0
    }

    /// FIONREAD on a host descriptor.
    static func bytesReadable(_ fd: Int32) throws(Errno) -> Int32 {
        var n: Int32 = 0
        if ioctl(fd, UInt(hostFIONREAD), &n) != 0 { throw Errno.current }
        return n
    }

    #if os(Linux)
    static let hostTIOCGWINSZ: UInt32 = 0x5413, hostTIOCSWINSZ: UInt32 = 0x5414, hostFIONREAD: UInt32 = 0x541B
    #else
    static let hostTIOCGWINSZ: UInt32 = 0x4008_7468, hostTIOCSWINSZ: UInt32 = 0x8008_7467, hostFIONREAD: UInt32 = 0x4004_667f
    #endif
}
