/// A processor model: what CPUID reports and which optional instructions exist.
/// Feature bits advertise only what Gate implements, so software that probes CPUID
/// never picks a code path the interpreter cannot run.
public struct CPUModel: Sendable, Equatable {
    public var name: String
    public var description: String
    public var family: UInt32
    public var model: UInt32
    public var stepping: UInt32
    /// CPUID.01H:EDX as Gate reports it.
    public var features: UInt32
    /// Whether SYSENTER/SYSEXIT really execute. The Pentium Pro reports SEP in CPUID but
    /// raises #UD for them; Linux checks family/model/stepping (`enable_sep_cpu`).
    public var sysenterWorks: Bool

    public enum Feature {
        public static let fpu: UInt32 = 1 << 0
        public static let tsc: UInt32 = 1 << 4
        public static let msr: UInt32 = 1 << 5
        public static let cx8: UInt32 = 1 << 8
        public static let sep: UInt32 = 1 << 11
        public static let cmov: UInt32 = 1 << 15
        public static let mmx: UInt32 = 1 << 23
        public static let fxsr: UInt32 = 1 << 24
    }

    /// CPUID.01H:EAX: stepping, model, family.
    public var signature: UInt32 { stepping | (model << 4) | (family << 8) }
    public var hasSEP: Bool { features & Feature.sep != 0 }
    public var hasCMOV: Bool { features & Feature.cmov != 0 }

    static let base = Feature.fpu | Feature.tsc | Feature.msr | Feature.cx8

    /// Pentium (P54C): no SEP, no CMOV — `__kernel_vsyscall` is `int $0x80`.
    public static let pentium = CPUModel(name: "pentium", description: "Intel Pentium (P54C)",
                                         family: 5, model: 2, stepping: 12, features: base, sysenterWorks: false)
    /// Pentium Pro: claims SEP, lacks it (family 6, model 1, stepping < 3).
    public static let pentiumPro = CPUModel(name: "pentium-pro", description: "Intel Pentium Pro",
                                            family: 6, model: 1, stepping: 2, features: base | Feature.sep | Feature.cmov,
                                            sysenterWorks: false)
    /// Pentium II (Deschutes): the first parts where SYSENTER works.
    public static let pentium2 = CPUModel(name: "pentium2", description: "Intel Pentium II (Deschutes)",
                                          family: 6, model: 5, stepping: 2, features: base | Feature.sep | Feature.cmov | Feature.mmx | Feature.fxsr,
                                          sysenterWorks: true)
    /// Pentium III (Coppermine), without the SSE Gate does not implement.
    public static let pentium3 = CPUModel(name: "pentium3", description: "Intel Pentium III (Coppermine)",
                                          family: 6, model: 8, stepping: 3, features: base | Feature.sep | Feature.cmov | Feature.mmx | Feature.fxsr,
                                          sysenterWorks: true)
    /// Pentium 4 (Northwood), without SSE/SSE2.
    public static let pentium4 = CPUModel(name: "pentium4", description: "Intel Pentium 4 (Northwood)",
                                          family: 15, model: 2, stepping: 4, features: base | Feature.sep | Feature.cmov | Feature.mmx | Feature.fxsr,
                                          sysenterWorks: true)

    public static let all: [CPUModel] = [pentium, pentiumPro, pentium2, pentium3, pentium4]
    /// The default: a P6 with working SEP, so programs take the sysenter path.
    public static let `default` = pentium2

    public static func named(_ name: String) -> CPUModel? {
        all.first { $0.name == name.lowercased() }
    }
}
