/// The kernel's processes by PID (the pid hash of kernel/pid.c), kept as an array in
/// PID order. A machine runs a handful of processes, so a search is a few compares;
/// and a `Dictionary` keyed by Int32 cost every run a scan of all the binary's
/// protocol conformances when the first process went in. Iterating in PID order also
/// makes everything that walks the table (signals to a group, timers) deterministic.
public struct ProcessTable {
    private var byPID: [Process] = []

    public init() {}

    /// Every process, zombies included, in PID order.
    public var values: [Process] { byPID }

    public var count: Int { byPID.count }

    /// Where `pid` is, or where it would go.
    private func index(of pid: Int32) -> (Int, found: Bool) {
        var lo = 0, hi = byPID.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if byPID[mid].pid < pid { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < byPID.count && byPID[lo].pid == pid)
    }

    /// The process `pid`; setting puts `newValue` (whose pid must be `pid`) in its
    /// place, or with nil takes it out.
    public subscript(pid: Int32) -> Process? {
        get {
            let (i, found) = index(of: pid)
            return found ? byPID[i] : nil
        }
        set {
            assert(newValue.map { $0.pid == pid } ?? true, "a process goes in under its own pid")
            let (i, found) = index(of: pid)
            switch (newValue, found) {
            case (let p?, true): byPID[i] = p
            case (let p?, false): byPID.insert(p, at: i)
            case (nil, true): byPID.remove(at: i)
            case (nil, false): break
            }
        }
    }

    @discardableResult
    public mutating func removeValue(forKey pid: Int32) -> Process? {
        let old = self[pid]
        self[pid] = nil
        return old
    }
}
