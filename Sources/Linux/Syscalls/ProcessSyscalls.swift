import IA32

/// exit and exit_group, identity (pids, uids, gids, groups), the TLS calls glibc makes
/// at start-up (set_thread_area, set_tid_address, set_robust_list), and process
/// groups/sessions for a single process (kernel/exit.c, kernel/sys.c,
/// arch/i386/kernel/process.c).
public enum ProcessSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(1, "exit", [.int], exitThread),
        SyscallEntry(252, "exit_group", [.int], exit),
        SyscallEntry(20, "getpid", [], { c in c.process.pid }),
        SyscallEntry(224, "gettid", [], { c in c.task?.tid ?? c.process.pid }),
        SyscallEntry(64, "getppid", [], { c in c.process.parentPid }),
        SyscallEntry(65, "getpgrp", [], { c in c.process.pgid }),
        SyscallEntry(132, "getpgid", [.int], { c in target(c, c.int(0))?.pgid ?? Errno.ESRCH.negated }),
        SyscallEntry(147, "getsid", [.int], { c in target(c, c.int(0))?.sid ?? Errno.ESRCH.negated }),
        SyscallEntry(57, "setpgid", [.int, .int], setpgid),
        SyscallEntry(66, "setsid", [], setsid),
        SyscallEntry(24, "getuid", [], { c in Int32(c.process.uid & 0xffff) }),
        SyscallEntry(47, "getgid", [], { c in Int32(c.process.gid & 0xffff) }),
        SyscallEntry(49, "geteuid", [], { c in Int32(c.process.uid & 0xffff) }),
        SyscallEntry(50, "getegid", [], { c in Int32(c.process.gid & 0xffff) }),
        SyscallEntry(199, "getuid32", [], { c in Int32(bitPattern: c.process.uid) }),
        SyscallEntry(200, "getgid32", [], { c in Int32(bitPattern: c.process.gid) }),
        SyscallEntry(201, "geteuid32", [], { c in Int32(bitPattern: c.process.uid) }),
        SyscallEntry(202, "getegid32", [], { c in Int32(bitPattern: c.process.gid) }),
        SyscallEntry(209, "getresuid32", [.pointer, .pointer, .pointer], { c in getres(c, c.process.uid) }),
        SyscallEntry(211, "getresgid32", [.pointer, .pointer, .pointer], { c in getres(c, c.process.gid) }),
        SyscallEntry(205, "getgroups32", [.int, .pointer], getgroups),
        SyscallEntry(80, "getgroups", [.int, .pointer], getgroups),
        SyscallEntry(213, "setuid32", [.int], { c in setid(c, c.process.uid) }),
        SyscallEntry(214, "setgid32", [.int], { c in setid(c, c.process.gid) }),
        SyscallEntry(23, "setuid", [.int], { c in setid(c, c.process.uid) }),
        SyscallEntry(46, "setgid", [.int], { c in setid(c, c.process.gid) }),
        SyscallEntry(243, "set_thread_area", [.pointer], setThreadArea),
        SyscallEntry(244, "get_thread_area", [.pointer], getThreadArea),
        SyscallEntry(258, "set_tid_address", [.pointer], { c in
            c.task?.clearChildTid = c.arg(0)
            return c.task?.tid ?? c.process.pid
        }),
        SyscallEntry(311, "set_robust_list", [.pointer, .size], { c in
            guard c.arg(1) == 12 else { return Errno.EINVAL.negated }   // sizeof(struct robust_list_head)
            c.task?.robustList = c.arg(0)
            return 0
        }),
        SyscallEntry(312, "get_robust_list", [.int, .pointer, .pointer], { c in
            // Any thread by its tid (0: the caller), as Linux allows a process with the
            // same credentials, which every Gate process has.
            let target = c.int(0) == 0 ? c.task : c.kernel?.task(c.int(0))
            guard let list = target?.robustList ?? (c.int(0) == 0 ? 0 : nil) else { return Errno.ESRCH.negated }
            guard c.setU32(list, at: c.arg(1)), c.setU32(12, at: c.arg(2)) else { return Errno.EFAULT.negated }
            return 0
        }),
        SyscallEntry(136, "personality", [.hex], { c in
            let old = c.process.personality
            if c.arg(0) != 0xffff_ffff { c.process.personality = c.arg(0) }
            return Int32(bitPattern: old)
        }),
        SyscallEntry(172, "prctl", [.int, .hex, .hex, .hex, .hex], prctl),
    ]

    /// exit_group: every thread of the process ends (the scheduler finishes it).
    static func exit(_ c: SyscallContext) -> Int32 {
        c.process.exitStatus = (c.int(0) & 0xff) << 8
        return 0
    }

    /// exit: the calling thread ends; the last one takes the process with it.
    static func exitThread(_ c: SyscallContext) -> Int32 {
        guard let k = c.kernel, let t = c.task, c.process.threads.count > 1 else { return exit(c) }
        k.exitThread(t, status: (c.int(0) & 0xff) << 8)
        return 0
    }

    static func getres(_ c: SyscallContext, _ id: UInt32) -> Int32 {
        for i in 0..<3 where !c.setU32(id, at: c.arg(i)) { return Errno.EFAULT.negated }
        return 0
    }

    static func getgroups(_ c: SyscallContext) -> Int32 {
        let groups = c.process.groups
        if c.int(0) == 0 { return Int32(groups.count) }
        guard c.int(0) >= Int32(groups.count) else { return Errno.EINVAL.negated }
        let wide = c.number == 205
        var bytes: [UInt8] = []
        for g in groups { bytes += wide ? GuestLayout.le32(g) : GuestLayout.le16(UInt16(truncatingIfNeeded: g)) }
        return c.write(bytes, to: c.arg(1)) ? Int32(groups.count) : Errno.EFAULT.negated
    }

    /// setuid/setgid to the current id succeed; anything else needs privileges Gate
    /// does not pretend to have.
    static func setid(_ c: SyscallContext, _ current: UInt32) -> Int32 {
        c.arg(0) == current || c.process.uid == 0 ? 0 : Errno.EPERM.negated
    }

    /// The process `pid` names for the caller: itself for 0, else a live one.
    static func target(_ c: SyscallContext, _ pid: Int32) -> Process? {
        if pid == 0 || pid == c.process.pid { return c.process }
        guard let p = c.kernel?.processes[pid], !p.isZombie else { return nil }
        return p
    }

    /// setpgid: the caller or one of its children (not after exec, which Gate does not
    /// track), into a group of the same session.
    static func setpgid(_ c: SyscallContext) -> Int32 {
        guard c.int(1) >= 0 else { return Errno.EINVAL.negated }
        guard let p = target(c, c.int(0)) else { return Errno.ESRCH.negated }
        guard p === c.process || p.parent === c.process else { return Errno.ESRCH.negated }
        if p.sid != c.process.sid { return Errno.EPERM.negated }
        if p.pid == p.sid { return Errno.EPERM.negated }          // a session leader stays put
        let group = c.int(1) == 0 ? p.pid : c.int(1)
        if group != p.pid {
            let exists = c.kernel?.processes.values.contains { $0.pgid == group && $0.sid == p.sid && !$0.isZombie }
                ?? (group == c.process.pgid)
            if !exists { return Errno.EPERM.negated }
        }
        p.pgid = group
        return 0
    }

    static func setsid(_ c: SyscallContext) -> Int32 {
        let p = c.process
        let leadsGroup = p.pgid == p.pid
            || (c.kernel?.processes.values.contains { $0 !== p && $0.pgid == p.pid && !$0.isZombie } ?? false)
        if leadsGroup { return Errno.EPERM.negated }
        p.sid = p.pid
        p.pgid = p.pid
        return p.pid
    }

    static func prctl(_ c: SyscallContext) -> Int32 {
        switch c.arg(0) {
        case 3:    // PR_GET_DUMPABLE
            return Int32(c.process.dumpable)
        case 4:    // PR_SET_DUMPABLE: 0 or 1 (2, suid_dumpable's "root only", is refused)
            guard c.arg(1) <= 1 else { return Errno.EINVAL.negated }
            c.process.dumpable = c.arg(1)
            return 0
        case 15:   // PR_SET_NAME
            guard let name = c.bytes(at: c.arg(1), count: 16) else { return Errno.EFAULT.negated }
            c.process.name = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
            return 0
        case 16:   // PR_GET_NAME
            var b = Array(c.process.name.utf8.prefix(15))
            b += [UInt8](repeating: 0, count: 16 - b.count)
            return c.write(b, to: c.arg(1)) ? 0 : Errno.EFAULT.negated
        default:
            return Errno.EINVAL.negated
        }
    }

    // MARK: TLS: set_thread_area / get_thread_area (arch/i386/kernel/process.c)

    /// `struct user_desc`: entry_number, base_addr, limit, then the flag bits
    /// seg_32bit, contents(2), read_exec_only, limit_in_pages, seg_not_present, useable.
    static func setThreadArea(_ c: SyscallContext) -> Int32 {
        installTLS(c, descriptor: c.arg(0), gdtIn: c.memory)
    }

    /// Writes the `struct user_desc` at `descriptor` (caller's memory) into a TLS slot
    /// of the GDT held in `gdtMemory` (the caller's, or a fork child's: CLONE_SETTLS).
    static func installTLS(_ c: SyscallContext, descriptor: UInt32, gdtIn gdtMemory: GuestMemory) -> Int32 {
        guard let raw = c.bytes(at: descriptor, count: 16) else { return Errno.EFAULT.negated }
        func w(_ i: Int) -> UInt32 { GuestLayout.u32(raw, i) }
        var index = Int32(bitPattern: w(0))
        let base = w(4), limit = w(8), flags = w(12)
        let gdt = KernelLayout.gdt
        let first = KernelLayout.tlsEntryMin, count = KernelLayout.tlsEntries
        if index == -1 {
            // The first free TLS slot: glibc gets entry 6, %gs = 0x33.
            guard let free = (first..<(first + count)).first(where: {
                gdtMemory.load32(gdt + UInt32($0 * 8)) == 0 && gdtMemory.load32(gdt + UInt32($0 * 8) + 4) == 0
            }) else { return Errno.ESRCH.negated }
            index = Int32(free)
            guard c.setU32(UInt32(index), at: descriptor) else { return Errno.EFAULT.negated }
        }
        guard index >= first && index < first + count else { return Errno.EINVAL.negated }
        let seg32 = flags & 1 != 0, contents = (flags >> 1) & 3, readExecOnly = flags & 8 != 0
        let pages = flags & 16 != 0, notPresent = flags & 32 != 0, useable = flags & 64 != 0
        let slot = gdt + UInt32(index) * 8
        // LDT_empty: the descriptor is cleared.
        if base == 0 && limit == 0 && contents == 0 && readExecOnly && !seg32 && notPresent && !pages && !useable
            || (base == 0 && limit == 0 && flags == 0) {
            gdtMemory.poke(slot, [UInt8](repeating: 0, count: 8))
            return 0
        }
        // Data (contents 0/1) or code (2); writable unless read_exec_only.
        var type = UInt8((contents << 2) & 0xc)
        if !readExecOnly { type |= 2 }
        let d = SegmentDescriptor(base: base, limit: limit & 0xfffff, type: type, dpl: 3, present: !notPresent,
                                  big: seg32, granular: pages, available: useable)
        gdtMemory.poke(slot, GuestLayout.le32(d.low) + GuestLayout.le32(d.high))
        return 0
    }

    static func getThreadArea(_ c: SyscallContext) -> Int32 {
        guard let index = c.u32(at: c.arg(0)) else { return Errno.EFAULT.negated }
        let first = UInt32(KernelLayout.tlsEntryMin)
        guard index >= first && index < first + UInt32(KernelLayout.tlsEntries) else { return Errno.EINVAL.negated }
        let slot = KernelLayout.gdt + index * 8
        let d = SegmentDescriptor(low: c.memory.load32(slot), high: c.memory.load32(slot + 4))
        var flags: UInt32 = 0
        if d.big { flags |= 1 }
        flags |= UInt32((d.type >> 2) & 3) << 1
        if d.type & 2 == 0 { flags |= 8 }
        if d.granular { flags |= 16 }
        if !d.present { flags |= 32 }
        if d.high & (1 << 20) != 0 { flags |= 64 }
        let out = GuestLayout.le32(index) + GuestLayout.le32(d.base) + GuestLayout.le32(d.rawLimit) + GuestLayout.le32(flags)
        return c.write(out, to: c.arg(0)) ? 0 : Errno.EFAULT.negated
    }
}
