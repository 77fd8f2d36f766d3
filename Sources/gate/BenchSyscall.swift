import ArgumentParser
import IA32
import Linux

extension Gate {
    /// `gate bench-syscall`: the cost of the two gates, measured inside Gate and modelled
    /// for the CPUs the 2.6 kernel was written for.
    struct BenchSyscall: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-syscall",
            abstract: "Time getpid() through int $0x80 and through the vDSO, and model each path's cycles.",
            discussion: """
                Runs N getpid calls each way in a built-in i386 program. Per path it prints \
                the guest instructions one call executes (user and kernel) and the host time \
                per call; then the cycles whole calls took each way on the CPUs of 2002, as \
                published on linux-kernel when sysenter went in.
                """)

        @Option(help: "CPU model (see `gate cpus`); a model without SEP makes the vDSO use int $0x80 too.")
        var cpu: String = CPUModel.default.name

        @Option(name: .short, help: "Calls per path.")
        var n: UInt32 = 1_000_000

        struct PathResult {
            let label: String
            let walk: GateWalk
            let nanosecondsPerCall: Double
        }

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'; see `gate cpus`") }
            guard n > 0 else { throw ValidationError("-n must be at least 1") }
            var results: [PathResult] = []
            for way in GuestPrograms.Way.allCases {
                let walk = try Self.walk(way, model: model)
                let ns = try Self.time(way, model: model, count: n)
                let label = way == .int80 ? "int $0x80" : "vDSO (\(walk.path == .sysenter ? "sysenter" : "int $0x80"))"
                results.append(PathResult(label: label, walk: walk, nanosecondsPerCall: ns))
            }
            print("getpid() × \(n) per path on \(model.name) (\(model.description)\(model.hasSEP ? "" : ", no SEP"))")
            print("")
            print(row(["path", "guest instr/call", "at CPL 0", "host ns/call"]))
            for r in results {
                print(row([r.label, "\(r.walk.instructions)", "\(r.walk.kernelInstructions)",
                           format("%.1f", r.nanosecondsPerCall)]))
            }
            print(format("\nIn Gate the vDSO path takes %.2f× the host time of int $0x80.",
                         results[1].nanosecondsPerCall / results[0].nanosecondsPerCall))
            print("")
            print("Published cycles per whole call on real hardware, both ways (linux-kernel, December 2002;")
            print("* marks \(EntryCostTable.family(forModel: model.name) ?? "no family"), the family of \(model.name)):")
            print(row(["  family", "machine", "call", "int $0x80", "sysenter", "factor"], widths: [26, 30, 14, 11, 10, 0]))
            let mine = EntryCostTable.family(forModel: model.name)
            for m in EntryCostTable.measurements {
                print(row([(m.family == mine ? "* " : "  ") + m.family, m.machine, m.call,
                           format("%.0f", m.int80Cycles), format("%.0f", m.sysenterCycles),
                           format("%.2f", m.factor)], widths: [26, 30, 14, 11, 10, 0]))
            }
            print("Sources:")
            for source in Set(EntryCostTable.measurements.map(\.source)).sorted() { print("  " + source) }
        }

        func row(_ cells: [String], widths: [Int] = [22, 18, 10, 0]) -> String {
            zip(cells, widths).map { c, w in w == 0 ? c : c.padded(to: max(w, c.count + 1)) }
                .joined()
        }

        /// One call's walk, followed instruction by instruction.
        static func walk(_ way: GuestPrograms.Way, model: CPUModel) throws -> GateWalk {
            let kernel = try makeKernel(way, model: model, count: 1)
            let walker = GateWalker(kernel: kernel)
            walker.collect(1, from: kernel)
            _ = kernel.run()
            guard let walk = walker.completed.first else { throw ValidationError("the getpid call did not return") }
            return walk
        }

        /// Host nanoseconds per call, with the CPU running at full speed.
        static func time(_ way: GuestPrograms.Way, model: CPUModel, count: UInt32) throws -> Double {
            let kernel = try makeKernel(way, model: model, count: count)
            let clock = ContinuousClock()
            let started = clock.now
            _ = kernel.run()
            let d = clock.now - started
            return (Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9) / Double(count)
        }

        static func makeKernel(_ way: GuestPrograms.Way, model: CPUModel, count: UInt32) throws -> Kernel {
            var options = Kernel.Options()
            options.model = model
            let kernel = try Kernel(options: options)
            let image = ExecutableImage.make(code: try GuestPrograms.getpidLoop(way, count: count))
            try kernel.exec(image: image, path: "/bench-syscall", arguments: ["bench-syscall"])
            return kernel
        }
    }
}
