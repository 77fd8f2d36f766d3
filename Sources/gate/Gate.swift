import ArgumentParser

/// `gate`: run 32-bit x86 Linux programs, and see how their system calls travel.
@main
struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run i386 Linux programs on any host, with the system-call gate modelled.",
        subcommands: [Run.self, Demo.self, BenchSyscall.self, CPUs.self, VDSO.self, Auxv.self])
}
