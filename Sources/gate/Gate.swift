import ArgumentParser

/// `gate`: run 32-bit x86 Linux programs, and see how their system calls travel.
@main
struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run i386 Linux programs on any host, with the system-call gate modelled.",
        subcommands: [Run.self, Demo.self, BenchSyscall.self, CPUs.self, VDSO.self, Auxv.self])

    /// `gate run PROGRAM [ARGS…]` with no options starts the program without building
    /// the argument parser's command tree, which costs more than a small program's whole
    /// run (about 11 M instructions of runtime type lookups). Everything else, and any
    /// option, goes through the parser.
    static func main() {
        let args = CommandLine.arguments
        if args.count >= 3, args[1] == "run", let first = args[2].first, first != "-" {
            let request = RunRequest(program: args[2], arguments: Array(args[3...]))
            do {
                exitProcess(try request.execute())
            } catch {
                fail("\(error)", status: 1)
            }
        }
        main(nil)
    }
}
