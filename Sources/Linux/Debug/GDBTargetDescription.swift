/// The target description (GDB manual, "Target Descriptions") gdb reads with
/// `qXfer:features:read:target.xml`: architecture i386, OS ABI GNU/Linux, and the
/// registers of `GDBRegister.all` with their remote numbers.
///
/// gdb's i386 support requires the feature `org.gnu.gdb.i386.core` and checks every
/// register it expects there by name — the x87 stack and control registers included,
/// so they are reported (from `FPUState`) rather than left out. The optional
/// `org.gnu.gdb.i386.linux` feature (`orig_eax`) is what turns on gdb's Linux-specific
/// i386 support; `org.gnu.gdb.i386.sse` is omitted, as the CPU models Gate offers are
/// described without SSE state.
public enum GDBTargetDescription {
    /// The document, built once.
    public static let xml: String = build()

    static func build() -> String {
        var lines = [
            #"<?xml version="1.0"?>"#,
            #"<!DOCTYPE target SYSTEM "gdb-target.dtd">"#,
            "<target>",
            "  <architecture>i386</architecture>",
            "  <osabi>GNU/Linux</osabi>",
            #"  <feature name="org.gnu.gdb.i386.core">"#,
            #"    <flags id="i386_eflags" size="4">"#,
        ]
        let flagBits: [(String, Int)] = [("CF", 0), ("", 1), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8),
                                         ("IF", 9), ("DF", 10), ("OF", 11), ("NT", 14), ("RF", 16), ("VM", 17),
                                         ("AC", 18), ("VIF", 19), ("VIP", 20), ("ID", 21)]
        for (name, bit) in flagBits {
            lines.append(#"      <field name="\#(name)" start="\#(bit)" end="\#(bit)"/>"#)
        }
        lines.append("    </flags>")
        for (n, r) in GDBRegister.all.enumerated() {
            if r == .origEAX {
                lines.append("  </feature>")
                lines.append(#"  <feature name="org.gnu.gdb.i386.linux">"#)
            }
            var attributes = #"name="\#(r.name)" bitsize="\#(r.size * 8)" regnum="\#(n)" type="\#(type(of: r))""#
            switch r {
            case .st, .fctrl, .fstat, .ftag, .fiseg, .fioff, .foseg, .fooff, .fop: attributes += #" group="float""#
            default: break
            }
            lines.append("    <reg \(attributes)/>")
        }
        lines.append("  </feature>")
        lines.append("</target>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The gdb type of a register: pointers for the stack and frame pointers and eip
    /// (so gdb prints them as addresses), the flags layout for eflags.
    static func type(of r: GDBRegister) -> String {
        switch r {
        case .general(.esp), .general(.ebp): return "data_ptr"
        case .eip: return "code_ptr"
        case .eflags: return "i386_eflags"
        case .st: return "i387_ext"
        case .general, .segment: return "int32"
        default: return "int"
        }
    }
}
