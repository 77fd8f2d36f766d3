// Published costs of the i386 system-call gate, per CPU family.
//
// What `gate bench-syscall` and `gate demo` print beside Gate's own counts: whole
// system calls timed on real hardware, both ways, by the people who wrote the sysenter
// path. Every figure is quoted from the source named beside it. Per-instruction
// latencies of int/iret and sysenter/sysexit (Agner Fog's tables) could not be read in
// any stored copy, so none is quoted and none is estimated: the model is per call, not
// per instruction.
//
// Sources consulted
// -----------------
// [Fog]   Agner Fog, "Instruction tables: Lists of instruction latencies, throughputs and
//         micro-operation breakdowns for Intel, AMD and VIA CPUs" (manual 4 of his
//         optimization series; editions of 2009, 2012, 2014 and 2016 were seen),
//         https://www.agner.org/optimize/instruction_tables.pdf — sections "Pentium II
//         and Pentium III", "Pentium 4", and the later Intel/AMD sections. Only the
//         introductions of stored copies were readable when this table was written
//         (studylib.net/doc/7973360, the 2016-01-09 edition; docslib.org; scribd), so no
//         INT / IRET / SYSENTER / SYSEXIT row is quoted from it and those fields stay nil.
//         Fill them from the PDF itself, row by row, naming the edition.
// [Hayward] Mike Hayward, "Intel P6 vs P7 system call performance", linux-kernel,
//         9 Dec 2002, Message-Id <200212090830.gB98USW05593@flux.loup.net>,
//         https://lore.kernel.org/all/200212090830.gB98USW05593@flux.loup.net/
//         (BYTE UNIX Benchmarks 3.11, "System Call Overhead Test" loop of
//         close(dup(0)); getpid(); getuid(); umask(022)).
// [LT-1209] Linus Torvalds, Re: same thread, 9 Dec 2002, <at2l1t$g5n$1@penguin.transmeta.com>:
//         "P4's really suck at system calls.  A 2.8GHz P4 does a simple system call
//          a lot _slower_ than a 500MHz PIII." ... "the \"int + iret\" instruction
//          combination is absolutely the worst I've seen.  A 1.2GHz Athlon will be
//          5-10 times faster than the fastest P4 on system call overhead."
// [LT-1216a] Linus Torvalds, Re: same thread, 16 Dec 2002 21:55 PST,
//         <Pine.LNX.4.44.0212162140500.1644-100000@home.transmeta.com>:
//         "On my P4 machine, a \"getppid()\" is 641 cycles with sysenter/sysexit, and
//          something like 1761 cycles with the old \"int 0x80/iret\" approach." ...
//         "As a comparison, an Athlon will do a full int/iret faster than a P4 does a
//          sysenter/sysexit." (rdtsc around 1,000,000 calls, averaged.)
// [LT-1216b] Linus Torvalds, 16 Dec 2002 22:09 PST,
//         <Pine.LNX.4.44.0212162204300.1800-100000@home.transmeta.com>:
//         gettimeofday() on his P4 — "sysenter: 1280.425844 cycles",
//         "int/iret: 2415.698224 cycles", "factor 1.886637".
// [LT-1216c] Linus Torvalds, 16 Dec 2002 22:18 PST,
//         <Pine.LNX.4.44.0212162211110.1810-100000@home.transmeta.com>:
//         gettimeofday() on a PIII — "sysenter: 561.697236 cycles",
//         "int/iret: 686.170463 cycles", "factor 1.221602".
// [Leber] Christian Leber, Re: same thread, 29–30 Dec 2002,
//         <20021229020510.GA22540@core.home>, <20021230182209.GA3981@core.home>:
//         Duron 750, Linus' program, "cycles per getpid() call".
// [LT-1230] Linus Torvalds, 30 Dec 2002, <auqde6$1pv$1@penguin.transmeta.com>: the
//         averaged numbers are "Roughly" right; minimum-of-many minus rdtsc overhead is
//         "the right way to do timings like this".
// [NG]    "x86 instruction set" Norton Guide (Pentium column), as served at
//         https://norton-guides.davep.dev/x86/ — INT imm8 protected mode "27-82",
//         IRET "8-27", IRETD "10-27" (ranges; not broken down by privilege change).
// [Garg]  Manu Garg, "Sysenter Based System Call Mechanism in Linux 2.6", 2006,
//         http://www.manugarg.com/2006/07/sysenter-based-system-call-mechanism.html —
//         explains the mechanism; gives no cycle counts.
// All mail quotes were read from the linux-kernel archive mirrored in the public
// repository ammarfaizi2/lore-inbox; the Message-IDs resolve on lore.kernel.org.

/// One whole system call timed on real hardware in 2002, both ways, as published.
/// Not per-instruction costs: each figure includes the kernel's entry/exit code, the
/// system call body, the vsyscall trampoline (sysenter side) and the timing loop.
public struct WholeCallMeasurement: Sendable {
    /// The CPU family this hardware belongs to (`EntryCostTable.p6`, …).
    public let family: String
    /// The machine as the author described it.
    public let machine: String
    public let call: String
    /// Cycles per call through `call 0xfffff000`/`0xffffe000` (sysenter/sysexit).
    public let sysenterCycles: Double
    /// Cycles per call through `int $0x80` / `iret`.
    public let int80Cycles: Double
    public let source: String

    public init(family: String, machine: String, call: String, sysenterCycles: Double,
                int80Cycles: Double, source: String) {
        self.family = family
        self.machine = machine
        self.call = call
        self.sysenterCycles = sysenterCycles
        self.int80Cycles = int80Cycles
        self.source = source
    }

    /// int $0x80 over sysenter, as the mails print it ("factor").
    public var factor: Double { int80Cycles / sysenterCycles }
}

/// The published measurements, and which of them speak for each of Gate's CPU models.
public enum EntryCostTable {
    public static let p5 = "Pentium (P5)"
    public static let p6 = "Pentium Pro/II/III (P6)"
    public static let netburst = "Pentium 4 (NetBurst)"
    public static let k7 = "Athlon/Duron (K7)"

    /// Whole-call cycle counts from the December 2002 "Intel P6 vs P7 system call
    /// performance" thread on linux-kernel, exactly as posted (averages over 10^6 calls of
    /// Linus Torvalds' rdtsc loop; see [LT-1216a] for the program, [LT-1230] for its limits).
    public static let measurements: [WholeCallMeasurement] = [
        WholeCallMeasurement(family: netburst, machine: "Linus Torvalds' P4", call: "getppid",
                             sysenterCycles: 641, int80Cycles: 1761,
                             source: "Linus Torvalds, LKML, 16 Dec 2002, <Pine.LNX.4.44.0212162140500.1644-100000@home.transmeta.com>"),
        WholeCallMeasurement(family: netburst, machine: "Linus Torvalds' P4", call: "gettimeofday",
                             sysenterCycles: 1280.425844, int80Cycles: 2415.698224,
                             source: "Linus Torvalds, LKML, 16 Dec 2002, <Pine.LNX.4.44.0212162204300.1800-100000@home.transmeta.com>"),
        WholeCallMeasurement(family: p6, machine: "a PIII (Linus Torvalds)", call: "gettimeofday",
                             sysenterCycles: 561.697236, int80Cycles: 686.170463,
                             source: "Linus Torvalds, LKML, 16 Dec 2002, <Pine.LNX.4.44.0212162211110.1810-100000@home.transmeta.com>"),
        WholeCallMeasurement(family: k7, machine: "Duron 750, Linux 2.5.53", call: "getpid",
                             sysenterCycles: 166.283549, int80Cycles: 278.461609,
                             source: "Christian Leber, LKML, 30 Dec 2002, <20021230182209.GA3981@core.home>"),
        WholeCallMeasurement(family: k7, machine: "Duron 750, Linux 2.5.53-bk5", call: "getpid",
                             sysenterCycles: 150.895348, int80Cycles: 279.441955,
                             source: "Christian Leber, LKML, 30 Dec 2002, <20021230182209.GA3981@core.home>"),
    ]

    /// The family a Gate CPU model belongs to ("pentium", "pentium-pro", "pentium2",
    /// "pentium3", "pentium4"). The Pentium (P5) has no SEP; [NG] gives only ranges for
    /// its INT and IRET, and no whole-call figure was found for it.
    public static func family(forModel name: String) -> String? {
        switch name.lowercased() {
        case "pentium": return p5
        case "pentium-pro", "pentium2", "pentium3": return p6
        case "pentium4": return netburst
        default: return nil
        }
    }

    /// The published whole-call measurements for a Gate CPU model's family.
    public static func measurements(forModel name: String) -> [WholeCallMeasurement] {
        guard let family = family(forModel: name) else { return [] }
        return measurements.filter { $0.family == family }
    }
}
