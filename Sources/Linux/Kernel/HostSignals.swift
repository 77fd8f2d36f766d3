#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals the host sends Gate on the guest's behalf — Ctrl-C (SIGINT), Ctrl-\ (SIGQUIT),
/// Ctrl-Z (SIGTSTP), SIGTERM, SIGHUP, a resized terminal (SIGWINCH) — go to the guest's
/// foreground process group, as the tty driver would send them. The host handler only
/// raises a flag; the scheduler sends the signal between slices (and a sleeping
/// scheduler's poll is interrupted by the host signal).
///
/// Gate stands for its first process before the host's shell: when that process
/// stops, Gate stops itself, and when the host's shell continues Gate (SIGCONT), the
/// first process's group is continued.
public enum HostSignals {
    /// SIGHUP SIGINT SIGQUIT SIGTERM SIGCONT SIGTSTP SIGWINCH
    public static let forwarded: [Int32] = [1, 2, 3, 15, 18, 20, 28]
    /// One flag per host signal number, and one for "any".
    nonisolated(unsafe) static let flags: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 65)
        p.initialize(repeating: 0, count: 65)
        return p
    }()

    /// Marks `signal` as arrived (what the host handler does; tests call it directly).
    static func raise(_ signal: Int32) {
        flags[Int(signal)] = 1
        flags[0] = 1
    }
}

extension Kernel {
    /// Catches the forwarded host signals (the `gate` command does this; an embedder
    /// that wants its own SIGINT does not).
    public func forwardHostSignals() {
        forwardsHostSignals = true
        for s in HostSignals.forwarded {
            var sa = sigaction()
            #if canImport(Glibc)
            sa.__sigaction_handler.sa_handler = { sig in HostSignals.raise(sig) }
            #else
            sa.__sigaction_u.__sa_handler = { sig in HostSignals.raise(sig) }
            #endif
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0        // no SA_RESTART: a sleeping poll must wake
            sigaction(s, &sa, nil)
        }
    }

    /// Sends the host signals that arrived to the foreground group of the guest's
    /// terminal (or the first process's group when there is no terminal).
    func deliverHostSignals() {
        guard forwardsHostSignals && HostSignals.flags[0] != 0 else { return }
        HostSignals.flags[0] = 0
        for s in HostSignals.forwarded where HostSignals.flags[Int(s)] != 0 {
            HostSignals.flags[Int(s)] = 0
            var groups = [controllingTerminal(of: initial).flatMap { foregroundGroup(ofTerminal: $0, for: initial) }
                          ?? initial.pgid]
            // The host continued Gate: what stopped with the first process goes on too.
            if s == 18 && initial.stopped && groups[0] != initial.pgid { groups.append(initial.pgid) }
            var targets = processes.values.filter { groups.contains($0.pgid) && !$0.isZombie }.sorted { $0.pid < $1.pid }
            if targets.isEmpty && !initial.isZombie { targets = [initial] }
            for p in targets { send(UInt32(s), to: p, info: SigInfo(signo: UInt32(s), code: SigInfo.SI_KERNEL)) }
        }
    }

    /// The first process stopped (Ctrl-Z, a stop signal from a guest): Gate stops too,
    /// so the host's shell gets its terminal back; its SIGCONT continues the guest.
    func stopHostWithFirstProcess() {
        guard forwardsHostSignals && initial.stopped else { return }
        stopHost()
        deliverHostSignals()
    }
}
