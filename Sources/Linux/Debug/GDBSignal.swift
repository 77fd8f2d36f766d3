/// Signal numbers on the wire. Stop replies (`T`, `X`) and continue-with-signal
/// packets (`C`, `S`, `vCont;C`) carry GDB's own target-independent numbering
/// (gdb/signals.def), not the target's: they agree with Linux for 1–6, 8, 9, 11, 13–15
/// and differ elsewhere (Linux SIGBUS 7 is GDB 10, SIGCHLD 17 is GDB 20, …).
public enum GDBSignal {
    /// GDB numbers for Linux i386 signals 1…31 (index = Linux number).
    static let fromLinux: [UInt8] = [
        0,
        1, 2, 3, 4, 5, 6,   // HUP INT QUIT ILL TRAP ABRT
        10,                 // BUS
        8, 9,               // FPE KILL
        30,                 // USR1
        11,                 // SEGV
        31,                 // USR2
        13, 14, 15,         // PIPE ALRM TERM
        143,                // STKFLT has no GDB name; GDB_SIGNAL_UNKNOWN
        20, 19, 17, 18,     // CHLD CONT STOP TSTP
        21, 22, 16,         // TTIN TTOU URG
        24, 25, 26, 27,     // XCPU XFSZ VTALRM PROF
        28, 23, 32, 12,     // WINCH IO PWR SYS
    ]

    /// The GDB number for a Linux signal.
    public static func gdb(fromLinux s: Int32) -> UInt8 {
        s > 0 && Int(s) < fromLinux.count ? fromLinux[Int(s)] : 143
    }

    /// The Linux signal for a GDB number; nil for 0 or a number Linux lacks.
    public static func linux(fromGDB g: UInt8) -> Int32? {
        guard g != 0, g != 143, let i = fromLinux.firstIndex(of: g) else { return nil }
        return Int32(i)
    }

    /// Linux signals whose default action is to do nothing (SIGCHLD, SIGCONT, SIGURG,
    /// SIGWINCH): passing one on resume changes nothing for a process without handlers.
    static let ignoredByDefault: Set<Int32> = [17, 18, 23, 28]
}
