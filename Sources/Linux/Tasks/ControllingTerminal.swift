/// A terminal's job-control state (`tty->session` and `tty->pgrp` in 2.6): the
/// session it is the controlling terminal of, and that session's foreground group.
struct TerminalOwner: Equatable {
    var session: Int32
    var foreground: Int32
}

/// Controlling terminals and the terminal side of job control (drivers/char/tty_io.c,
/// n_tty.c). Gate keeps, per host terminal, the guest session it controls and that
/// session's foreground process group: the first session gets the terminal of Gate's
/// standard streams; a session leader gets one by opening a terminal without
/// O_NOCTTY or with TIOCSCTTY. (Gate never lets the host give its own process a
/// controlling terminal: every host open has O_NOCTTY.)
///
/// A process outside the foreground group that reads its controlling terminal, or
/// changes its settings (or writes to it with TOSTOP set), gets its group stopped with
/// SIGTTIN or SIGTTOU — unless it ignores (or, for SIGTTOU, blocks) the signal, when
/// the read fails with EIO and the change goes ahead, or its group is orphaned, when
/// both fail with EIO.
extension Kernel {
    /// The terminal `p`'s session controls, if any.
    func controllingTerminal(of p: Process) -> UInt64? {
        terminals.first { $0.value.session == p.sid }?.key
    }

    /// The owner of terminal `id`, if its session still has a live member.
    func owner(ofTerminal id: UInt64) -> TerminalOwner? {
        guard let o = terminals[id] else { return nil }
        if processes.values.contains(where: { $0.sid == o.session && !$0.isZombie }) { return o }
        terminals[id] = nil
        return nil
    }

    /// tty_open: a session leader without a controlling terminal that opens a terminal
    /// nobody controls (without O_NOCTTY) makes it its own; TIOCSCTTY does the same on
    /// purpose. False (EPERM for TIOCSCTTY) when `p` is no session leader, already
    /// has another terminal, or the terminal belongs to another session.
    @discardableResult
    func acquireTerminal(_ id: UInt64, for p: Process) -> Bool {
        if owner(ofTerminal: id)?.session == p.sid { return true }
        guard p.pid == p.sid, controllingTerminal(of: p) == nil, owner(ofTerminal: id) == nil else { return false }
        terminals[id] = TerminalOwner(session: p.sid, foreground: p.pgid)
        return true
    }

    /// The foreground group of `p`'s controlling terminal `id`; nil (ENOTTY) when `id`
    /// is not `p`'s controlling terminal.
    func foregroundGroup(ofTerminal id: UInt64, for p: Process) -> Int32? {
        guard let o = owner(ofTerminal: id), o.session == p.sid else { return nil }
        return o.foreground
    }

    /// Whether `p` is in a background group of its controlling terminal `id`.
    func isBackground(_ p: Process, onTerminal id: UInt64) -> Bool {
        guard let o = owner(ofTerminal: id) else { return false }
        return o.session == p.sid && o.foreground != p.pgid
    }

    /// TIOCSPGRP: the check for a background caller, then `pgrp` must be a group of
    /// the caller's session.
    func setForegroundGroup(ofTerminal id: UInt64, to pgrp: Int32, by p: Process) throws(Errno) {
        guard let o = owner(ofTerminal: id), o.session == p.sid else { throw .ENOTTY }
        try checkTerminalChange(id, by: p)
        if pgrp < 0 { throw .EINVAL }
        let members = processes.values.filter { $0.pgid == pgrp && !$0.isZombie }
        if members.isEmpty { throw .ESRCH }
        if members.contains(where: { $0.sid != p.sid }) { throw .EPERM }
        terminals[id]?.foreground = pgrp
    }

    /// tty_check_change, before a background process changes its controlling
    /// terminal (its settings, its foreground group, or writes with TOSTOP): SIGTTOU
    /// to its group and -ERESTARTSYS, unless it ignores or blocks SIGTTOU (the change
    /// goes ahead) or its group is orphaned (EIO).
    func checkTerminalChange(_ id: UInt64, by p: Process) throws(Errno) {
        guard isBackground(p, onTerminal: id) else { return }
        let ttou: UInt32 = 22
        if p.signals.blocked & SignalState.bit(ttou) != 0
            || p.signals.actions[Int(ttou)].handler == SignalState.Action.ignore { return }
        if isOrphanedGroup(p.pgid) { throw .EIO }
        signalGroup(p.pgid, ttou)
        throw .ERESTARTSYS
    }

    /// job_control in n_tty's read: a background process reading its controlling
    /// terminal gets its group SIGTTIN and -ERESTARTSYS; EIO if it ignores or blocks
    /// SIGTTIN or its group is orphaned.
    func checkTerminalRead(_ id: UInt64, by p: Process) throws(Errno) {
        guard isBackground(p, onTerminal: id) else { return }
        let ttin: UInt32 = 21
        if p.signals.blocked & SignalState.bit(ttin) != 0
            || p.signals.actions[Int(ttin)].handler == SignalState.Action.ignore || isOrphanedGroup(p.pgid) {
            throw .EIO
        }
        signalGroup(p.pgid, ttin)
        throw .ERESTARTSYS
    }

    /// kill_pg from the kernel: `signal` to every live process of group `pgid`.
    func signalGroup(_ pgid: Int32, _ signal: UInt32) {
        for q in processes.values.filter({ $0.pgid == pgid && !$0.isZombie }).sorted(by: { $0.pid < $1.pid }) {
            send(signal, to: q, info: SigInfo(signo: signal, code: SigInfo.SI_KERNEL))
        }
    }
}
