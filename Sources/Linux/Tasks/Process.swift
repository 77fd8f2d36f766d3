import IA32

/// A Linux process as Gate models it: an address space, one task's CPU, descriptor
/// table, filesystem context and identity.
public final class Process {
    public let memory: GuestMemory
    public let cpu: CPU
    public let files = FileTable()
    public let mm: AddressSpace
    public var fs = FileSystemContext()
    /// Gate's own ids: the first process is 1000, its "parent" the host shell (1).
    public var pid: Int32 = 1000
    public var parentPid: Int32 = 1
    public var pgid: Int32 = 1000
    public var sid: Int32 = 1000
    public var uid: UInt32 = 0, gid: UInt32 = 0
    public var groups: [UInt32] = [0]
    /// The comm name (prctl PR_SET_NAME, /proc/self/stat).
    public var name: String = ""
    /// set_tid_address and set_robust_list, kept for the threads issue.
    public var clearChildTid: UInt32 = 0
    public var robustList: UInt32 = 0
    public var personality: UInt32 = 0
    /// Signal dispositions, the blocked and pending sets, the alternate stack.
    public var signals = SignalState()
    /// The program's path as the guest named it (/proc/self/exe), its arguments and
    /// environment (/proc/self/cmdline, environ).
    public var executable: String = ""
    public var arguments: [String] = []
    public var environment: [String] = []
    /// The auxiliary vector it was started with (/proc/self/auxv).
    public var auxv: [(UInt32, UInt32)] = []
    /// Set when the process has exited, with its wait status.
    public var exitStatus: Int32? = nil

    public init(memory: GuestMemory, cpu: CPU) {
        self.memory = memory
        self.cpu = cpu
        mm = AddressSpace(memory: memory)
    }
}
