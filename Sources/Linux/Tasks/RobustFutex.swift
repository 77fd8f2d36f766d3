import IA32

/// Robust futex lists (kernel/futex.c: exit_robust_list, handle_futex_death). Each
/// thread registers the head of a list of the robust mutexes it holds
/// (set_robust_list; glibc does it for every thread). When the thread goes — it exits,
/// its process ends, or it execs — the kernel walks the list: every futex word that
/// still names the thread's tid gets FUTEX_OWNER_DIED (keeping FUTEX_WAITERS), and one
/// waiter is woken, so the next locker sees EOWNERDEAD instead of waiting for ever.
extension Kernel {
    static let futexWaiters: UInt32 = 0x8000_0000, futexOwnerDied: UInt32 = 0x4000_0000
    static let futexTIDMask: UInt32 = 0x3fff_ffff
    /// ROBUST_LIST_LIMIT: a list longer than this (or circular) is not followed further.
    static let robustListLimit = 2048

    /// Walks `t`'s robust list (`struct robust_list_head`: next, futex_offset,
    /// list_op_pending) in its process's memory and forgets it. A fault in user memory
    /// ends the walk quietly, as on Linux.
    func exitRobustList(_ t: Task) {
        let head = t.robustList
        guard head != 0 else { return }
        t.robustList = 0
        let memory = t.process.memory
        func word(_ a: UInt32) -> UInt32? { memory.read(a, count: 4).map { GuestLayout.u32($0, 0) } }
        // Entries are pointers whose bit 0 marks a PI futex.
        func entry(_ a: UInt32) -> (UInt32, Bool)? { word(a).map { ($0 & ~1, $0 & 1 != 0) } }
        guard var (current, pi) = entry(head), let offset = word(head &+ 4),
              let (pending, pendingPI) = entry(head &+ 8) else { return }
        var limit = Kernel.robustListLimit
        while current != head {
            let next = entry(current)
            if current != pending && !futexOwnerDied(current &+ offset, owner: t, pi: pi) { return }
            guard let (n, npi) = next else { return }
            (current, pi) = (n, npi)
            limit -= 1
            if limit == 0 { break }
        }
        if pending != 0 { _ = futexOwnerDied(pending &+ offset, owner: t, pi: pendingPI) }
    }

    /// handle_futex_death: the word at `uaddr`, if `owner` holds it, gets
    /// FUTEX_OWNER_DIED, and a waiter is woken (PI futexes, which Gate does not
    /// implement, would be woken by their PI state). False on a fault.
    private func futexOwnerDied(_ uaddr: UInt32, owner t: Task, pi: Bool) -> Bool {
        let memory = t.process.memory
        guard let raw = memory.read(uaddr, count: 4) else { return false }
        let value = GuestLayout.u32(raw, 0)
        guard value & Kernel.futexTIDMask == UInt32(bitPattern: t.tid) else { return true }
        let marked = (value & Kernel.futexWaiters) | Kernel.futexOwnerDied
        guard memory.write(uaddr, GuestLayout.le32(marked)) else { return false }
        if !pi && value & Kernel.futexWaiters != 0 {
            _ = futexWake(key: FutexKey(memory, uaddr), count: 1, bitset: Futex.bitsetMatchAny)
        }
        return true
    }
}
