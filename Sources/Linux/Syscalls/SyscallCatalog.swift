/// Every group of system calls Gate implements; the kernel builds `sys_call_table`
/// from these. A number in none of them returns -ENOSYS and is reported once.
public enum SyscallCatalog {
    public static var groups: [[SyscallEntry]] {
        [ProcessSyscalls.entries, MemorySyscalls.entries, FileSyscalls.entries, TimeSyscalls.entries,
         SignalSyscalls.entries, SystemSyscalls.entries, TaskSyscalls.entries, SignalWaitSyscalls.entries,
         ExecSyscalls.entries, EventPollSyscalls.entries, EventFDSyscalls.entries, PosixTimerSyscalls.entries,
         SocketSyscalls.entries]
    }
}
