import IA32

/// Which futex a sleeper waits on: the word's address in one address space. (A
/// FUTEX_PRIVATE_FLAG futex and a shared one are the same thing here: Gate's
/// processes never share memory, fork copies it.)
struct FutexKey: Hashable {
    let space: ObjectIdentifier
    let address: UInt32

    init(_ memory: GuestMemory, _ address: UInt32) {
        space = ObjectIdentifier(memory)
        self.address = address
    }
}

/// Fast user-space mutexes (kernel/futex.c): the sleeping half of every glibc lock,
/// condition variable, barrier, semaphore and pthread_join.
enum Futex {
    static let wait: UInt32 = 0, wake: UInt32 = 1, requeue: UInt32 = 3, cmpRequeue: UInt32 = 4
    static let wakeOp: UInt32 = 5, waitBitset: UInt32 = 9, wakeBitset: UInt32 = 10
    static let privateFlag: UInt32 = 128, clockRealtime: UInt32 = 256
    static let bitsetMatchAny: UInt32 = 0xffff_ffff

    /// futex_wait, and futex_wait_restart after a signal: sleeps on the word at `uaddr`
    /// while it holds `expected`, until a wake that matches `bitset` or the deadline. A
    /// signal ends the sleep: a timed one returns -ERESTART_RESTARTBLOCK with a restart
    /// block that waits again to the same deadline (a stop and continue does not cut
    /// it short), an untimed one -ERESTARTSYS.
    static func sleep(_ c: SyscallContext, _ k: Kernel, _ t: Task, uaddr: UInt32, expected val: UInt32, bitset: UInt32,
                      deadline: UInt64?) -> Int32 {
        guard let word = c.u32(at: uaddr) else { return Errno.EFAULT.negated }
        if word != val { return Errno.EAGAIN.negated }
        let key = FutexKey(c.memory, uaddr)
        k.futexWaiters[key, default: []].append(t)
        t.futexKey = key
        t.futexBitset = bitset
        return c.block(Wait(deadline: deadline, interrupted: nil, retry: { [unowned k, unowned t] in
            if t.futexKey == nil { return 0 }              // a waker took it off the queue
            if let deadline, monotonicNow() >= deadline {
                k.leaveFutex(t)
                return Errno.ETIMEDOUT.negated
            }
            guard k.hasDeliverableSignal(t) else { return nil }
            k.leaveFutex(t)
            guard let deadline else { return Errno.ERESTARTSYS.negated }
            t.restartBlock = { r in
                guard let rk = r.kernel, let rt = r.task else { return Errno.EINTR.negated }
                return sleep(r, rk, rt, uaddr: uaddr, expected: val, bitset: bitset, deadline: deadline)
            }
            return Errno.ERESTART_RESTARTBLOCK.negated
        }))
    }

    /// futex(uaddr, op, val, timeout or val2, uaddr2, val3); `wide` for futex_time64.
    static func call(_ c: SyscallContext, wide: Bool) -> Int32 {
        guard let k = c.kernel, let t = c.task else { return Errno.ENOSYS.negated }
        let uaddr = c.arg(0), op = c.arg(1), val = c.arg(2), uaddr2 = c.arg(4), val3 = c.arg(5)
        let cmd = op & ~(privateFlag | clockRealtime)
        if op & clockRealtime != 0 && cmd != waitBitset { return Errno.ENOSYS.negated }
        let key = FutexKey(c.memory, uaddr)
        guard uaddr & 3 == 0 else { return Errno.EINVAL.negated }
        switch cmd {
        case wait, waitBitset:
            let bitset = cmd == wait ? bitsetMatchAny : val3
            if bitset == 0 { return Errno.EINVAL.negated }
            var deadline: UInt64? = nil
            if c.arg(3) != 0 {
                guard let (sec, nsec) = TimeSyscalls.decode(c, c.arg(3), wide: wide) else { return Errno.EFAULT.negated }
                guard sec >= 0, nsec >= 0, nsec < 1_000_000_000 else { return Errno.EINVAL.negated }
                let ns = sec &* 1_000_000_000 &+ nsec
                if cmd == wait {
                    deadline = monotonicNow() &+ UInt64(ns)
                } else if op & clockRealtime != 0 {
                    let now = TimeSyscalls.realtimeNanoseconds()
                    deadline = monotonicNow() &+ UInt64(max(ns - now, 0))
                } else {
                    deadline = UInt64(ns)
                }
            }
            return sleep(c, k, t, uaddr: uaddr, expected: val, bitset: bitset, deadline: deadline)
        case wake, wakeBitset:
            let bitset = cmd == wake ? bitsetMatchAny : val3
            if bitset == 0 { return Errno.EINVAL.negated }
            return k.futexWake(key: key, count: Int(Int32(bitPattern: val)), bitset: bitset)
        case requeue, cmpRequeue:
            if cmd == cmpRequeue {
                guard let word = c.u32(at: uaddr) else { return Errno.EFAULT.negated }
                if word != val3 { return Errno.EAGAIN.negated }
            }
            guard uaddr2 & 3 == 0 else { return Errno.EINVAL.negated }
            let woken = k.futexWake(key: key, count: Int(Int32(bitPattern: val)), bitset: bitsetMatchAny)
            let moved = k.futexRequeue(from: key, to: FutexKey(c.memory, uaddr2), count: Int(Int32(bitPattern: c.arg(3))))
            return Int32(woken) + (cmd == cmpRequeue ? Int32(moved) : 0)
        case wakeOp:
            guard uaddr2 & 3 == 0, let old = c.u32(at: uaddr2) else { return Errno.EFAULT.negated }
            let encodedOp = (val3 >> 28) & 0xf, cmp = (val3 >> 24) & 0xf
            var oparg = signExtend12((val3 >> 12) & 0xfff)
            let cmparg = signExtend12(val3 & 0xfff)
            if encodedOp & 8 != 0 { oparg = 1 << (UInt32(bitPattern: oparg) & 31) }
            let new: UInt32
            switch encodedOp & 7 {
            case 0: new = UInt32(bitPattern: oparg)                     // FUTEX_OP_SET
            case 1: new = old &+ UInt32(bitPattern: oparg)              // FUTEX_OP_ADD
            case 2: new = old | UInt32(bitPattern: oparg)               // FUTEX_OP_OR
            case 3: new = old & ~UInt32(bitPattern: oparg)              // FUTEX_OP_ANDN
            case 4: new = old ^ UInt32(bitPattern: oparg)               // FUTEX_OP_XOR
            default: return Errno.ENOSYS.negated
            }
            guard c.setU32(new, at: uaddr2) else { return Errno.EFAULT.negated }
            var n = k.futexWake(key: key, count: Int(Int32(bitPattern: val)), bitset: bitsetMatchAny)
            let o = Int32(bitPattern: old)
            let hit: Bool
            switch cmp {
            case 0: hit = o == cmparg
            case 1: hit = o != cmparg
            case 2: hit = o < cmparg
            case 3: hit = o <= cmparg
            case 4: hit = o > cmparg
            case 5: hit = o >= cmparg
            default: return Errno.ENOSYS.negated
            }
            if hit {
                n += k.futexWake(key: FutexKey(c.memory, uaddr2), count: Int(Int32(bitPattern: c.arg(3))),
                                 bitset: bitsetMatchAny)
            }
            return n
        default:
            // The PI operations and FUTEX_FD are not modelled.
            return Errno.ENOSYS.negated
        }
    }

    static func signExtend12(_ v: UInt32) -> Int32 { Int32(bitPattern: v << 20) >> 20 }
}

extension Kernel {
    /// Wakes up to `count` sleepers on `key` whose bitset meets `bitset`, oldest first.
    func futexWake(key: FutexKey, count: Int, bitset: UInt32) -> Int32 {
        guard count > 0, var list = futexWaiters[key] else { return 0 }
        var n = 0
        var i = 0
        while i < list.count && n < count {
            let t = list[i]
            if t.futexBitset & bitset != 0 {
                list.remove(at: i)
                t.futexKey = nil
                t.woken = true
                n += 1
            } else {
                i += 1
            }
        }
        futexWaiters[key] = list.isEmpty ? nil : list
        return Int32(n)
    }

    /// Moves up to `count` sleepers from one futex to another (FUTEX_REQUEUE).
    func futexRequeue(from: FutexKey, to: FutexKey, count: Int) -> Int {
        guard count > 0, var list = futexWaiters[from], !list.isEmpty else { return 0 }
        let moving = Array(list.prefix(count))
        list.removeFirst(moving.count)
        futexWaiters[from] = list.isEmpty ? nil : list
        for t in moving { t.futexKey = to }
        futexWaiters[to, default: []].append(contentsOf: moving)
        return moving.count
    }

    /// Takes a task off the futex it sleeps on (timeout, signal, exit).
    func leaveFutex(_ t: Task) {
        guard let key = t.futexKey else { return }
        t.futexKey = nil
        futexWaiters[key]?.removeAll { $0 === t }
        if futexWaiters[key]?.isEmpty == true { futexWaiters[key] = nil }
    }
}
